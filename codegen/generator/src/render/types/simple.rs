//! Simple types: aliases, enumerations, facet-checked newtypes, lists and unions.

use super::*;

impl TypeRenderer<'_, '_> {
    pub(super) fn simple_items(
        &mut self,
        def: &TypeDef,
        s: &SimpleType,
        path: &RustPath,
    ) -> Vec<TokenStream> {
        let name = format_ident!("{}", path.name);
        let doc = self.doc(def.doc.as_deref());
        let module = path.module.clone();
        match &s.variety {
            SimpleVariety::List(item) => {
                let item_ty = self.rust_type(item, &module, &path.name, "item");
                let inner = quote! { ::tandvard_runtime::XsList<#item_ty> };
                let checks = length_checks(&s.facets);
                // Patterns of a list apply to its whole (collapsed) text.
                let (_, lexical) = self.facet_checks(
                    Builtin::NmTokens,
                    &Facets {
                        patterns: s.facets.patterns.clone(),
                        ..Facets::default()
                    },
                    &path.name,
                );
                if checks.is_empty() && lexical.is_empty() {
                    return vec![quote! {
                        #doc
                        pub type #name = #inner;
                    }];
                }
                vec![newtype(
                    &name,
                    doc,
                    &inner,
                    &inner,
                    &TokenStream::new(),
                    &checks,
                    &lexical,
                )]
            }
            SimpleVariety::Union(members) => {
                // Kept as its text (so it round-trips exactly), valid when a member type
                // accepts it: members are tried in order.
                let mut tys = Vec::new();
                let mut names = Vec::new();
                for (i, m) in members.iter().enumerate() {
                    tys.push(self.rust_type(m, &module, &path.name, &format!("member{}", i + 1)));
                    names.push(match m {
                        TypeUse::Builtin(b) => b.xs_name(),
                        TypeUse::Named(q) => q.local.clone(),
                        TypeUse::Inline(_) => "(anonymous)".to_string(),
                    });
                }
                let mut checks = TokenStream::new();
                if !tys.is_empty() {
                    let expected = format!("not a value of any member type ({})", names.join(", "));
                    let type_name = path.name.clone();
                    checks.extend(quote! {
                        let member = #(<#tys as ::tandvard_runtime::SimpleValue>::from_text(value).is_ok())||*;
                        if !member {
                            return Err(::tandvard_runtime::ValueError::invalid(#type_name, value, #expected));
                        }
                    });
                }
                let (facets, _) = self.facet_checks(Builtin::String, &s.facets, &path.name);
                checks.extend(facets);
                vec![newtype(
                    &name,
                    doc,
                    &quote! { ::tandvard_runtime::CompactString },
                    &quote! { str },
                    &TokenStream::new(),
                    &checks,
                    &TokenStream::new(),
                )]
            }
            SimpleVariety::Atomic(b) if !s.enumeration.is_empty() => {
                self.enum_items(path, doc, *b, &s.enumeration)
            }
            SimpleVariety::Atomic(b) => {
                let base_path = s
                    .base
                    .as_ref()
                    .and_then(|q| self.layout.named(&q.to_string()).cloned());
                let base_has_checks = s
                    .base
                    .as_ref()
                    .is_some_and(|q| has_checks(self.contract, q));
                if s.facets.is_empty() && !base_has_checks {
                    let inner = match (&base_path, base_is_enum(self.contract, s.base.as_ref())) {
                        (Some(p), true) => self.path_tokens(&module, p),
                        _ => builtin_type(*b),
                    };
                    return vec![quote! {
                        #doc
                        pub type #name = #inner;
                    }];
                }
                if base_is_enum(self.contract, s.base.as_ref()) {
                    // A restriction of an enumeration by other facets: keep the enum.
                    let p = base_path.clone().expect("enum base is named");
                    let inner = self.path_tokens(&module, &p);
                    return vec![quote! {
                        #doc
                        pub type #name = #inner;
                    }];
                }
                let inner = builtin_type(*b);
                let borrowed = if builtin_is_text(*b) {
                    quote! { str }
                } else if *b == Builtin::Base64Binary {
                    quote! { [u8] }
                } else {
                    inner.clone()
                };
                let (checks, lexical) = self.facet_checks(*b, &s.facets, &path.name);
                let base_check = match (&base_path, base_has_checks) {
                    (Some(p), true) => {
                        let bp = self.path_tokens(&module, p);
                        quote! { #bp::validate(value)?; }
                    }
                    _ => TokenStream::new(),
                };
                vec![newtype(
                    &name,
                    doc,
                    &inner,
                    &borrowed,
                    &base_check,
                    &checks,
                    &lexical,
                )]
            }
        }
    }

    pub(super) fn enum_items(
        &mut self,
        path: &RustPath,
        doc: TokenStream,
        base: Builtin,
        values: &[EnumValue],
    ) -> Vec<TokenStream> {
        let name = &format_ident!("{}", path.name);
        let mut planned = self.planned_variants(path);
        let mut variants = Vec::new();
        let mut as_str = Vec::new();
        let mut parse = Vec::new();
        for v in values {
            let vname = format_ident!("{}", planned.claim(&camel(&v.value)).name);
            let vdoc = self.doc(v.doc.as_deref());
            let lit = &v.value;
            variants.push(quote! { #vdoc #vname });
            as_str.push(quote! { Self::#vname => #lit });
            parse.push(quote! { #lit => Ok(Self::#vname) });
        }
        let expected = format!(
            "expected one of {}",
            values
                .iter()
                .map(|v| v.value.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let type_name = name.to_string();
        let normalize = if matches!(base, Builtin::String) {
            quote! { s }
        } else {
            quote! { &*::tandvard_runtime::whitespace::collapse(s) }
        };
        vec![quote! {
            #doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum #name {
                #(#variants,)*
            }
            impl #name {
                /// The value as written in XML.
                pub fn as_str(&self) -> &'static str {
                    match self {
                        #(#as_str,)*
                    }
                }
            }
            impl ::tandvard_runtime::SimpleValue for #name {
                const NEEDS_ESCAPE: bool = false;
                fn from_text(s: &str) -> Result<Self, ::tandvard_runtime::ValueError> {
                    match #normalize {
                        #(#parse,)*
                        other => Err(::tandvard_runtime::ValueError::invalid(#type_name, other, #expected)),
                    }
                }
                fn write_text(&self, out: &mut String) {
                    out.push_str(self.as_str());
                }
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        }]
    }

    /// Checks of a value against facets, and (for types that are not text) checks of its
    /// lexical form: `pattern` applies to the text as written, e.g. `\d\d77` on a gYear.
    /// The check of `pattern` facets (one regex: a value must match one of them), translated
    /// from XSD regex syntax at generation time; untranslatable patterns become a warning.
    pub(super) fn pattern_check(&mut self, patterns: &[String], type_name: &str) -> TokenStream {
        let mut translated = Vec::new();
        for p in patterns {
            match ::tandvard_runtime::xsd_pattern_to_regex(p) {
                Ok(re) => translated.push(re),
                Err(e) => self.warnings.push(format!(
                    "{type_name}: pattern {p:?} cannot be translated ({e}); it is not checked"
                )),
            }
        }
        if translated.is_empty() {
            return TokenStream::new();
        }
        let re = translated.join("|");
        let shown = patterns.join(" | ");
        quote! {
            static PATTERN: ::std::sync::LazyLock<::tandvard_runtime::regex::Regex> =
                ::std::sync::LazyLock::new(|| {
                    ::tandvard_runtime::regex::Regex::new(#re).expect("pattern translated and checked at generation time")
                });
            ::tandvard_runtime::facets::pattern(value, &PATTERN, #shown)?;
        }
    }

    pub(super) fn facet_checks(
        &mut self,
        b: Builtin,
        f: &Facets,
        type_name: &str,
    ) -> (TokenStream, TokenStream) {
        let mut out = TokenStream::new();
        let mut lexical = TokenStream::new();
        let is_text = builtin_is_text(b);
        if !is_text {
            lexical.extend(self.pattern_check(&f.patterns, type_name));
        }
        if is_text {
            out.extend(length_checks(f));
            out.extend(self.pattern_check(&f.patterns, type_name));
        } else if matches!(b, Builtin::HexBinary | Builtin::Base64Binary) {
            out.extend(length_checks(f));
        }
        let bound = |this: &mut Self, v: &Option<String>, func: &str| -> TokenStream {
            let Some(v) = v else {
                return TokenStream::new();
            };
            match literal_for(b, v) {
                Some(lit) => {
                    let f = format_ident!("{}", func);
                    let by_ref = matches!(
                        b,
                        Builtin::Date
                            | Builtin::Time
                            | Builtin::DateTime
                            | Builtin::GYear
                            | Builtin::GYearMonth
                            | Builtin::GMonth
                            | Builtin::GMonthDay
                            | Builtin::GDay
                    );
                    if by_ref {
                        quote! { ::tandvard_runtime::facets::#f(value, #lit)?; }
                    } else {
                        quote! { ::tandvard_runtime::facets::#f(value, &#lit)?; }
                    }
                }
                None => {
                    this.warnings.push(format!(
                        "{type_name}: facet {func} {v:?} on {} is not checked",
                        b.xs_name()
                    ));
                    TokenStream::new()
                }
            }
        };
        out.extend(bound(self, &f.min_inclusive, "min_inclusive"));
        out.extend(bound(self, &f.max_inclusive, "max_inclusive"));
        out.extend(bound(self, &f.min_exclusive, "min_exclusive"));
        out.extend(bound(self, &f.max_exclusive, "max_exclusive"));
        if matches!(b, Builtin::Decimal) {
            if let Some(n) = f.fraction_digits {
                out.extend(quote! { ::tandvard_runtime::facets::fraction_digits(value, #n)?; });
            }
            if let Some(n) = f.total_digits {
                out.extend(quote! { ::tandvard_runtime::facets::total_digits(value, #n)?; });
            }
        } else if f.total_digits.is_some() && builtin_is_integer(b) {
            let n = f.total_digits.unwrap_or_default();
            out.extend(quote! {
                ::tandvard_runtime::facets::total_digits(&::tandvard_runtime::Decimal::from(*value), #n)?;
            });
        }
        (out, lexical)
    }
}

/// A facet-checked newtype around `inner`. `lexical` checks (patterns of types that are not
/// text) see `value: &str`: the text as read, or the value's written form in `validate`.
pub(super) fn newtype(
    name: &Ident,
    doc: TokenStream,
    inner: &TokenStream,
    borrowed: &TokenStream,
    base_check: &TokenStream,
    checks: &TokenStream,
    lexical: &TokenStream,
) -> TokenStream {
    let unused = if base_check.is_empty() && checks.is_empty() {
        quote! { let _ = value; }
    } else {
        TokenStream::new()
    };
    if !lexical.is_empty() {
        return quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            pub struct #name(#inner);
            impl #name {
                /// Checks the facets and wraps the value.
                pub fn new(value: #inner) -> Result<Self, ::tandvard_runtime::ValueError> {
                    Self::validate(&value)?;
                    Ok(Self(value))
                }
                /// Checks the value against this type's facets (and its base type's); the
                /// pattern is checked against the value's written form.
                pub fn validate(value: &#borrowed) -> Result<(), ::tandvard_runtime::ValueError> {
                    Self::check_value(value)?;
                    let mut text = String::new();
                    ::tandvard_runtime::SimpleValue::write_text(value, &mut text);
                    Self::check_text(&text)
                }
                fn check_value(value: &#borrowed) -> Result<(), ::tandvard_runtime::ValueError> {
                    #unused
                    #base_check
                    #checks
                    Ok(())
                }
                fn check_text(value: &str) -> Result<(), ::tandvard_runtime::ValueError> {
                    #lexical
                    Ok(())
                }
                /// The value.
                pub fn get(&self) -> &#borrowed {
                    &self.0
                }
                /// The value, consuming the wrapper.
                pub fn into_inner(self) -> #inner {
                    self.0
                }
            }
            impl ::tandvard_runtime::SimpleValue for #name {
                fn from_text(s: &str) -> Result<Self, ::tandvard_runtime::ValueError> {
                    Self::check_text(&::tandvard_runtime::whitespace::collapse(s))?;
                    let value = <#inner as ::tandvard_runtime::SimpleValue>::from_text(s)?;
                    Self::check_value(&value)?;
                    Ok(Self(value))
                }
                fn write_text(&self, out: &mut String) {
                    ::tandvard_runtime::SimpleValue::write_text(&self.0, out);
                }
            }
            impl TryFrom<#inner> for #name {
                type Error = ::tandvard_runtime::ValueError;
                fn try_from(value: #inner) -> Result<Self, Self::Error> {
                    Self::new(value)
                }
            }
        };
    }
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name(#inner);
        impl #name {
            /// Checks the facets and wraps the value.
            pub fn new(value: #inner) -> Result<Self, ::tandvard_runtime::ValueError> {
                Self::validate(&value)?;
                Ok(Self(value))
            }
            /// Checks the value against this type's facets (and its base type's).
            pub fn validate(value: &#borrowed) -> Result<(), ::tandvard_runtime::ValueError> {
                #unused
                #base_check
                #checks
                Ok(())
            }
            /// The value.
            pub fn get(&self) -> &#borrowed {
                &self.0
            }
            /// The value, consuming the wrapper.
            pub fn into_inner(self) -> #inner {
                self.0
            }
        }
        impl ::tandvard_runtime::SimpleValue for #name {
            const NEEDS_ESCAPE: bool = <#inner as ::tandvard_runtime::SimpleValue>::NEEDS_ESCAPE;
            fn from_text(s: &str) -> Result<Self, ::tandvard_runtime::ValueError> {
                Self::new(<#inner as ::tandvard_runtime::SimpleValue>::from_text(s)?)
            }
            fn write_text(&self, out: &mut String) {
                ::tandvard_runtime::SimpleValue::write_text(&self.0, out);
            }
        }
        impl TryFrom<#inner> for #name {
            type Error = ::tandvard_runtime::ValueError;
            fn try_from(value: #inner) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }
    }
}

/// `length`, `minLength` and `maxLength` checks (characters, octets or items: the runtime's
/// `FacetLength` decides the unit by the value's type).
pub(super) fn length_checks(f: &Facets) -> TokenStream {
    let mut out = TokenStream::new();
    for (facet, v) in [
        ("length", f.length),
        ("min_length", f.min_length),
        ("max_length", f.max_length),
    ] {
        if let Some(n) = v {
            let n = n as usize;
            let func = format_ident!("{}", facet);
            out.extend(quote! { ::tandvard_runtime::facets::#func(value, #n)?; });
        }
    }
    out
}

pub(super) fn builtin_is_integer(b: Builtin) -> bool {
    use Builtin as B;
    matches!(
        b,
        B::Integer
            | B::NonPositiveInteger
            | B::NegativeInteger
            | B::Long
            | B::Int
            | B::Short
            | B::Byte
            | B::NonNegativeInteger
            | B::UnsignedLong
            | B::UnsignedInt
            | B::UnsignedShort
            | B::UnsignedByte
            | B::PositiveInteger
    )
}

/// A Rust expression of the built-in's type for a facet value, when we can render one.
pub(super) fn literal_for(b: Builtin, v: &str) -> Option<TokenStream> {
    let v = v.trim();
    if builtin_is_integer(b) {
        let ty = builtin_type(b).to_string();
        let n: i128 = v.trim_start_matches('+').parse().ok()?;
        return format!("{n}_{ty}").parse().ok();
    }
    match b {
        Builtin::Decimal => {
            let d: rust_decimal::Decimal = v.trim_start_matches('+').parse().ok()?;
            let m = Literal::i128_unsuffixed(d.mantissa());
            let s = d.scale();
            Some(quote! { ::tandvard_runtime::Decimal::from_i128_with_scale(#m, #s) })
        }
        Builtin::Date
        | Builtin::Time
        | Builtin::DateTime
        | Builtin::GYear
        | Builtin::GYearMonth
        | Builtin::GMonth
        | Builtin::GMonthDay
        | Builtin::GDay => {
            use tandvard_runtime::SimpleValue as _;
            let ok = match b {
                Builtin::Date => tandvard_runtime::Date::from_text(v).is_ok(),
                Builtin::Time => tandvard_runtime::Time::from_text(v).is_ok(),
                Builtin::DateTime => tandvard_runtime::DateTime::from_text(v).is_ok(),
                Builtin::GYear => tandvard_runtime::GYear::from_text(v).is_ok(),
                Builtin::GYearMonth => tandvard_runtime::GYearMonth::from_text(v).is_ok(),
                Builtin::GMonth => tandvard_runtime::GMonth::from_text(v).is_ok(),
                Builtin::GMonthDay => tandvard_runtime::GMonthDay::from_text(v).is_ok(),
                _ => tandvard_runtime::GDay::from_text(v).is_ok(),
            };
            if !ok {
                return None;
            }
            let ty = builtin_type(b);
            // A reference already (the caller borrows other literals).
            Some(quote! {
                {
                    static BOUND: ::std::sync::LazyLock<#ty> = ::std::sync::LazyLock::new(|| {
                        <#ty as ::tandvard_runtime::SimpleValue>::from_text(#v).expect("checked at generation time")
                    });
                    ::std::sync::LazyLock::force(&BOUND)
                }
            })
        }
        Builtin::Float | Builtin::Double => {
            let f: f64 = v.parse().ok()?;
            if !f.is_finite() {
                return None;
            }
            let ty = builtin_type(b).to_string();
            format!("{f:?}_{ty}").parse().ok()
        }
        _ => None,
    }
}

pub(super) fn base_is_enum(c: &Contract, base: Option<&QName>) -> bool {
    let Some(q) = base else { return false };
    match c.type_def(q).map(|d| &d.kind) {
        Some(TypeKind::Simple(s)) => !s.enumeration.is_empty() || base_is_enum(c, s.base.as_ref()),
        _ => false,
    }
}

/// Whether a named simple type carries checks (facets somewhere in its chain).
pub(super) fn has_checks(c: &Contract, q: &QName) -> bool {
    match c.type_def(q).map(|d| &d.kind) {
        Some(TypeKind::Simple(s)) => {
            !s.facets.is_empty() || s.base.as_ref().is_some_and(|b| has_checks(c, b))
        }
        _ => false,
    }
}
