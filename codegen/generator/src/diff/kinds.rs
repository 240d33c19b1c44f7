//! The change kinds the diff classifies, with their severity per message direction.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How much a change matters to the other side of the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// No effect on the wire (documentation, schema version, type names).
    Info,
    /// Compatible on the wire, but the contract surface changed: a vendor should know or act
    /// (new optional content, relaxed request constraints, new operations, endpoints).
    Warning,
    /// Breaking: old clients fail (the server rejects what they send, or they cannot read
    /// what it sends).
    Breaking,
}

impl Severity {
    /// `info`, `warning` or `breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Breaking => "breaking",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! kinds {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $req:ident, $resp:ident, $desc:literal; )*) => {
        /// What kind of change. Serialized in kebab-case (`optional-element-added`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum ChangeKind {
            $( $(#[$doc])* #[serde(rename = $name)] $variant, )*
        }

        impl ChangeKind {
            /// Every kind, in catalog order.
            pub const ALL: &'static [ChangeKind] = &[ $( ChangeKind::$variant, )* ];

            /// The kebab-case name used in reports, ids and JSON.
            pub fn as_str(self) -> &'static str {
                match self { $( ChangeKind::$variant => $name, )* }
            }

            /// The usual severity when the change is reached from a request (BACKWARD check:
            /// the new contract must accept everything old clients send).
            pub fn request_severity(self) -> Severity {
                match self { $( ChangeKind::$variant => Severity::$req, )* }
            }

            /// The usual severity when the change is reached from a response or a fault
            /// (FORWARD check: old clients must read everything the new contract allows).
            pub fn response_severity(self) -> Severity {
                match self { $( ChangeKind::$variant => Severity::$resp, )* }
            }

            /// A one-line description for the catalog in the README and reports.
            pub fn description(self) -> &'static str {
                match self { $( ChangeKind::$variant => $desc, )* }
            }

            /// Parses the kebab-case name.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $( $name => Some(ChangeKind::$variant), )* _ => None }
            }
        }
    };
}

kinds! {
    /// A port type appears.
    InterfaceAdded = "interface-added", Warning, Warning, "new interface (port type)";
    /// A port type disappears.
    InterfaceRemoved = "interface-removed", Breaking, Breaking, "interface (port type) removed";
    /// A port type has a new name but the same operations.
    InterfaceRenamed = "interface-renamed", Info, Info, "interface renamed, same operations (port type names are not on the wire)";
    /// An operation appears.
    OperationAdded = "operation-added", Warning, Warning, "new operation";
    /// An operation disappears.
    OperationRemoved = "operation-removed", Breaking, Breaking, "operation removed";
    /// The SOAP action of an operation changes.
    SoapActionChanged = "soap-action-changed", Breaking, Breaking, "SOAP action changed (servers dispatch on it)";
    /// The endpoint address changes.
    EndpointChanged = "endpoint-changed", Warning, Warning, "endpoint address changed (configuration, not code)";
    /// SOAP 1.1 ↔ 1.2.
    SoapVersionChanged = "soap-version-changed", Breaking, Breaking, "SOAP version of the binding changed";
    /// One-way ↔ request-response.
    MessagePatternChanged = "message-pattern-changed", Breaking, Breaking, "operation gained or lost its request or response message";
    /// A body part appears.
    MessagePartAdded = "message-part-added", Breaking, Breaking, "new body part in a message";
    /// A body part disappears.
    MessagePartRemoved = "message-part-removed", Breaking, Breaking, "body part removed from a message";
    /// A SOAP header part appears.
    HeaderAdded = "header-added", Breaking, Warning, "new SOAP header (old clients do not send it; old readers ignore it)";
    /// A SOAP header part disappears.
    HeaderRemoved = "header-removed", Warning, Breaking, "SOAP header removed";
    /// A fault appears on an operation.
    FaultAdded = "fault-added", Warning, Warning, "new fault on an operation (old clients cannot decode it as a typed fault)";
    /// A fault disappears from an operation.
    FaultRemoved = "fault-removed", Warning, Warning, "fault removed from an operation";
    /// A namespace (of message elements) changes.
    NamespaceChanged = "namespace-changed", Breaking, Breaking, "namespace changed (every element in it has a new name on the wire)";
    /// `xs:schema/@version` changes.
    SchemaVersionChanged = "schema-version-changed", Info, Info, "schema version attribute changed";
    /// Documentation text changes.
    DocumentationChanged = "documentation-changed", Info, Info, "documentation changed";
    /// A required element appears.
    RequiredElementAdded = "required-element-added", Breaking, Breaking, "new required element";
    /// An optional element appears outside any extension point.
    OptionalElementAdded = "optional-element-added", Warning, Warning, "new optional element outside an extension point (compatible on the wire; the vendor should know)";
    /// An element appears where an `xs:any ##other lax` admitted it before.
    ExtensionElementAdded = "extension-element-added", Info, Info, "new element inside an xs:any (lax/skip) extension point";
    /// A required element disappears.
    RequiredElementRemoved = "required-element-removed", Breaking, Breaking, "required element removed";
    /// An optional element disappears.
    OptionalElementRemoved = "optional-element-removed", Breaking, Warning, "optional element removed (old clients may send it; readers silently lose it)";
    /// An element has a new name in the same place, with the same type.
    ElementRenamed = "element-renamed", Breaking, Breaking, "element renamed (same place, same type)";
    /// An element moves (sequence order, or into another group).
    ElementMoved = "element-moved", Breaking, Breaking, "element moved (order in a sequence, or into another group)";
    /// `minOccurs` goes up.
    MinOccursIncreased = "min-occurs-increased", Breaking, Warning, "minOccurs increased (e.g. optional → required)";
    /// `minOccurs` goes down.
    MinOccursDecreased = "min-occurs-decreased", Warning, Breaking, "minOccurs decreased (e.g. required → optional)";
    /// `maxOccurs` goes up.
    MaxOccursIncreased = "max-occurs-increased", Warning, Breaking, "maxOccurs increased";
    /// `maxOccurs` goes down.
    MaxOccursDecreased = "max-occurs-decreased", Breaking, Warning, "maxOccurs decreased";
    /// `nillable` becomes true.
    NillableAdded = "nillable-added", Warning, Breaking, "element became nillable";
    /// `nillable` becomes false.
    NillableRemoved = "nillable-removed", Breaking, Warning, "element is no longer nillable";
    /// A default value changes.
    DefaultChanged = "default-changed", Warning, Warning, "default value changed (meaning of an absent value changes)";
    /// A fixed value appears, disappears or changes.
    FixedChanged = "fixed-changed", Breaking, Breaking, "fixed value added (narrowed), removed (widened) or changed (both breaking)";
    /// The type of an element or attribute changes.
    TypeChanged = "type-changed", Breaking, Breaking, "built-in or base type changed; severity by value space: narrowed (breaking in requests), widened (breaking in responses), unrelated (breaking)";
    /// The type has another name but is compared structurally.
    TypeRenamed = "type-renamed", Info, Info, "type reference renamed (type names are not on the wire; the content is compared separately)";
    /// Complex content ↔ simple content ↔ empty, or simple ↔ complex.
    ContentChanged = "content-changed", Breaking, Breaking, "content model changed (element, simple or empty content)";
    /// `mixed` changes.
    MixedChanged = "mixed-changed", Breaking, Breaking, "mixed content allowed (widened) or disallowed (narrowed)";
    /// sequence ↔ choice ↔ all.
    CompositorChanged = "compositor-changed", Breaking, Breaking, "model group changed: sequence → all widens, all → sequence narrows, anything with choice is breaking";
    /// A choice gets a new alternative.
    ChoiceAlternativeAdded = "choice-alternative-added", Warning, Breaking, "new alternative in a choice";
    /// A choice loses an alternative.
    ChoiceAlternativeRemoved = "choice-alternative-removed", Breaking, Warning, "alternative removed from a choice";
    /// A facet constrains values more.
    FacetNarrowed = "facet-narrowed", Breaking, Warning, "facet narrowed (fewer values valid)";
    /// A facet constrains values less.
    FacetWidened = "facet-widened", Warning, Breaking, "facet widened (more values valid)";
    /// A facet changes in a way that is neither (pattern rewritten, length changed).
    FacetChanged = "facet-changed", Breaking, Breaking, "facet changed incomparably (pattern rewritten, exact length changed)";
    /// A new enumeration value.
    EnumValueAdded = "enum-value-added", Warning, Breaking, "enumeration value added (closed enums in old clients reject it)";
    /// An enumeration value disappears.
    EnumValueRemoved = "enum-value-removed", Breaking, Warning, "enumeration value removed";
    /// A required attribute appears.
    RequiredAttributeAdded = "required-attribute-added", Breaking, Breaking, "new required attribute (info in responses when an old xs:anyAttribute admits it)";
    /// An optional attribute appears.
    OptionalAttributeAdded = "optional-attribute-added", Warning, Warning, "new optional attribute (info in responses when an old xs:anyAttribute admits it)";
    /// A required attribute disappears.
    RequiredAttributeRemoved = "required-attribute-removed", Breaking, Breaking, "required attribute removed";
    /// An optional attribute disappears.
    OptionalAttributeRemoved = "optional-attribute-removed", Breaking, Warning, "optional attribute removed";
    /// `use="optional"` → `use="required"`.
    AttributeMadeRequired = "attribute-made-required", Breaking, Warning, "attribute became required";
    /// `use="required"` → `use="optional"`.
    AttributeMadeOptional = "attribute-made-optional", Warning, Breaking, "attribute became optional";
    /// An `xs:any`/`xs:anyAttribute` appears.
    WildcardAdded = "wildcard-added", Warning, Warning, "new extension point (xs:any / xs:anyAttribute)";
    /// An `xs:any`/`xs:anyAttribute` disappears.
    WildcardRemoved = "wildcard-removed", Breaking, Warning, "extension point removed (old clients may send extensions)";
    /// A wildcard admits more.
    WildcardWidened = "wildcard-widened", Warning, Warning, "extension point admits more (namespaces, processContents, occurrences)";
    /// A wildcard admits less.
    WildcardNarrowed = "wildcard-narrowed", Breaking, Warning, "extension point admits less";
    /// A global element appears (schema-only contracts).
    GlobalElementAdded = "global-element-added", Warning, Warning, "new global element (schema without operations)";
    /// A global element disappears (schema-only contracts).
    GlobalElementRemoved = "global-element-removed", Breaking, Breaking, "global element removed (schema without operations)";
    /// The base type of a derivation changes.
    BaseTypeChanged = "base-type-changed", Info, Info, "base type of a derivation changed (content compared separately)";
    /// A generated field is boxed or unboxed though its own declaration did not change.
    RustRepresentationChanged = "rust-representation-changed", Info, Info, "generated field boxed or unboxed with no change to its declaration: its type crossed one of the generator's size thresholds (nothing changes on the wire; code that builds or matches the field must change)";
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
