//! Shared by the SOAP tests and the SOAP benchmark: certificates made with rcgen, a service
//! that answers every operation of the 13 interfaces with its example response, servers on
//! loopback, and client setup. Included with `#[path]`; not every user uses everything.
#![allow(dead_code, clippy::result_large_err)]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use tandvard_bindings::common_v1::RequestHeaderType;
use tandvard_bindings::*;
use tandvard_runtime::server::{Router, Server, ServerHandle};
use tandvard_runtime::soap::{Body, FaultDetail, SoapFault, read_envelope_payload};
use tandvard_runtime::transport::{HttpsTransport, TlsConfig};
use tandvard_runtime::{ReadOptions, RootElement, XmlRead};

/// Every request and call in the tests finishes within this.
pub const LIMIT: Duration = Duration::from_secs(30);

pub fn contracts() -> PathBuf {
    tandvard_tests::workspace_root().join("contracts")
}

// ---------------------------------------------------------------------------------------
// Certificates

/// A certificate authority made for one test.
pub struct Pki {
    pub name: String,
    issuer: CertifiedIssuer<'static, KeyPair>,
}

/// A certificate and its key, PEM.
pub struct Identity {
    pub cert_pem: String,
    pub key_pem: String,
    pub cert_der: Vec<u8>,
    pub key_der: Vec<u8>,
}

impl Pki {
    pub fn new(name: &str) -> Pki {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().expect("CA key");
        let issuer = CertifiedIssuer::self_signed(params, key).expect("CA certificate");
        Pki {
            name: name.to_string(),
            issuer,
        }
    }

    pub fn ca_pem(&self) -> String {
        self.issuer.pem()
    }

    fn leaf(&self, cn: &str, sans: Vec<String>, usage: ExtendedKeyUsagePurpose) -> Identity {
        self.leaf_with(cn, sans, usage, |_| {})
    }

    /// A leaf certificate whose parameters `edit` may change (validity, serial, ...).
    pub fn leaf_with(
        &self,
        cn: &str,
        sans: Vec<String>,
        usage: ExtendedKeyUsagePurpose,
        edit: impl FnOnce(&mut CertificateParams),
    ) -> Identity {
        let mut params = CertificateParams::new(sans).expect("leaf params");
        params.distinguished_name.push(DnType::CommonName, cn);
        params.extended_key_usages = vec![usage];
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        edit(&mut params);
        let key = KeyPair::generate().expect("leaf key");
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("leaf certificate");
        Identity {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            cert_der: cert.der().to_vec(),
            key_der: key.serialize_der(),
        }
    }

    /// A certificate revocation list of this CA revoking these serial numbers (PEM).
    pub fn crl(&self, revoked: &[u64]) -> String {
        let params = rcgen::CertificateRevocationListParams {
            this_update: rcgen::date_time_ymd(2025, 1, 1),
            next_update: rcgen::date_time_ymd(2099, 1, 1),
            crl_number: rcgen::SerialNumber::from(1u64),
            issuing_distribution_point: None,
            revoked_certs: revoked
                .iter()
                .map(|n| rcgen::RevokedCertParams {
                    serial_number: rcgen::SerialNumber::from(*n),
                    revocation_time: rcgen::date_time_ymd(2025, 6, 1),
                    reason_code: Some(rcgen::RevocationReason::KeyCompromise),
                    invalidity_date: None,
                })
                .collect(),
            key_identifier_method: rcgen::KeyIdMethod::Sha256,
        };
        params
            .signed_by(&self.issuer)
            .expect("CRL")
            .pem()
            .expect("CRL PEM")
    }

    /// A server certificate for `localhost` and `127.0.0.1`.
    pub fn server(&self) -> Identity {
        self.leaf(
            "localhost",
            vec!["localhost".into(), "127.0.0.1".into()],
            ExtendedKeyUsagePurpose::ServerAuth,
        )
    }

    /// A server certificate for these names, edited by `edit`.
    pub fn server_with(
        &self,
        sans: &[&str],
        edit: impl FnOnce(&mut CertificateParams),
    ) -> Identity {
        self.leaf_with(
            "server",
            sans.iter().map(|s| s.to_string()).collect(),
            ExtendedKeyUsagePurpose::ServerAuth,
            edit,
        )
    }

    /// A client (function) certificate with this serial number.
    pub fn client_serial(&self, cn: &str, serial: u64) -> Identity {
        self.leaf_with(cn, Vec::new(), ExtendedKeyUsagePurpose::ClientAuth, |p| {
            p.serial_number = Some(rcgen::SerialNumber::from(serial))
        })
    }

    /// A client (function) certificate.
    pub fn client(&self, cn: &str) -> Identity {
        self.leaf(cn, Vec::new(), ExtendedKeyUsagePurpose::ClientAuth)
    }

    /// The CA certificate, DER.
    pub fn ca_der(&self) -> Vec<u8> {
        self.issuer.der().to_vec()
    }
}

/// A PKCS#12 archive of an identity (and its CA), with a password.
pub fn pkcs12(id: &Identity, ca_der: &[u8], password: &str) -> Vec<u8> {
    use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, PrivateKeyChain};
    let chain = vec![
        Certificate::from_der(&id.cert_der).expect("leaf DER"),
        Certificate::from_der(ca_der).expect("CA DER"),
    ];
    let mut store = KeyStore::new();
    store.add_entry(
        "client",
        KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(&id.key_der, [1u8; 20], chain)),
    );
    store.writer(password).write().expect("PKCS#12 written")
}

// ---------------------------------------------------------------------------------------
// Clients and servers

/// Client TLS settings: trust `server_ca`, present `identity` if given.
pub fn client_tls(server_ca: &Pki, identity: Option<&Identity>) -> TlsConfig {
    let tls = TlsConfig::new()
        .ca_bundle_pem(server_ca.ca_pem().as_bytes())
        .expect("CA bundle");
    match identity {
        Some(id) => tls
            .identity_pem(id.cert_pem.as_bytes(), id.key_pem.as_bytes())
            .expect("PEM identity"),
        None => tls,
    }
}

/// A transport with short limits for tests.
pub fn transport(tls: TlsConfig) -> HttpsTransport {
    HttpsTransport::builder(tls)
        .connect_timeout(Duration::from_secs(5))
        .request_timeout(Duration::from_secs(20))
        .build()
        .expect("transport")
}

/// Serves `router` on a free loopback port with TLS (certificate from `pki`), requiring
/// client certificates from `client_ca` when given.
pub async fn serve_tls(router: Router, pki: &Pki, client_ca: Option<&Pki>) -> ServerHandle {
    let id = pki.server();
    let ca = client_ca.map(Pki::ca_pem);
    let config = tandvard_runtime::server::tls_server_config(
        id.cert_pem.as_bytes(),
        id.key_pem.as_bytes(),
        ca.as_deref().map(str::as_bytes),
    )
    .expect("server TLS config");
    Server::bind("127.0.0.1:0", router)
        .await
        .expect("bind")
        .with_tls(config)
        .spawn()
        .expect("spawn")
}

/// Serves `router` on a free loopback port over plain HTTP.
pub async fn serve_plain(router: Router) -> ServerHandle {
    Server::bind("127.0.0.1:0", router)
        .await
        .expect("bind")
        .spawn()
        .expect("spawn")
}

pub fn base_url(handle: &ServerHandle) -> String {
    format!("https://localhost:{}", handle.local_addr().port())
}

/// The URL of `path` on the server.
pub fn url(handle: &ServerHandle, path: &str) -> String {
    format!("{}{path}", base_url(handle))
}

// ---------------------------------------------------------------------------------------
// Examples

/// Reads an example message as `T`: a bare payload or the payload of a whole envelope.
pub fn example<T: XmlRead + RootElement>(rel: &str) -> T {
    let path = contracts().join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let is_envelope = tandvard_runtime::Reader::new(&bytes)
        .and_then(|mut r| r.root().map(|root| root.local == b"Envelope"))
        .unwrap_or(false);
    let result = if is_envelope {
        read_envelope_payload::<T>(&bytes, &ReadOptions::default()).map(|e| match e.body {
            Body::Payload(p) => p,
            Body::Fault(f) => panic!("{}: a fault: {f}", path.display()),
        })
    } else {
        tandvard_runtime::from_xml::<T>(&bytes)
    };
    result.unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The common request header of the examples (from `CheckPatientRequest_envelope.xml`).
pub fn request_header() -> RequestHeaderType {
    let bytes =
        std::fs::read(contracts().join("check-patient/examples/CheckPatientRequest_envelope.xml"))
            .expect("example envelope");
    let env =
        tandvard_runtime::soap::read_envelope(&bytes, &ReadOptions::default(), |r, s| r.skip(s))
            .expect("envelope reads");
    env.headers
        .get::<RequestHeaderType>()
        .expect("RequestHeader present")
        .expect("RequestHeader reads")
}

// ---------------------------------------------------------------------------------------
// A service answering every operation with its example response

/// What the service saw of one call.
#[derive(Debug, Clone)]
pub struct Seen {
    pub operation: &'static str,
    pub message_id: Option<String>,
    pub idempotency_key: Option<String>,
    pub sent_at: Option<String>,
}

/// Answers every operation with its example response (read once, then cloned); records
/// the headers it saw.
#[derive(Clone, Default)]
pub struct Examples {
    pub seen: Arc<Mutex<Vec<Seen>>>,
    cache: Arc<Mutex<std::collections::HashMap<String, Box<dyn std::any::Any + Send>>>>,
}

type Answer<T, F> = Result<T, SoapFault<F>>;

impl Examples {
    fn answer<T: XmlRead + RootElement + Clone + Send + 'static, F: FaultDetail>(
        &self,
        operation: &'static str,
        header: Option<&RequestHeaderType>,
        file: &str,
    ) -> Answer<T, F> {
        let seen = Seen {
            operation,
            message_id: header.map(|h| h.message_id.get().to_string()),
            idempotency_key: header
                .and_then(|h| h.idempotency_key.as_ref().map(|k| k.get().to_string())),
            sent_at: header.map(|h| tandvard_runtime::SimpleValue::to_text(&h.sent_at)),
        };
        if let Ok(mut s) = self.seen.lock() {
            s.push(seen);
        }
        let mut cache = self.cache.lock().expect("cache");
        let value = cache
            .entry(file.to_string())
            .or_insert_with(|| Box::new(example::<T>(file)));
        Ok(value
            .downcast_ref::<T>()
            .expect("one type per file")
            .clone())
    }

    /// The routers of all 13 interfaces, merged.
    pub fn router(&self) -> Router {
        check_patient_responder_interface::router(self.clone())
            .merge(get_message_responder_interface::router(self.clone()))
            .merge(get_payment_specification_responder_interface::router(
                self.clone(),
            ))
            .merge(pre_assessment_claim_responder_interface::router(
                self.clone(),
            ))
            .merge(pre_assessment_stb_responder_interface::router(self.clone()))
            .merge(register_patient_responder_interface::router(self.clone()))
            .merge(report_statistical_visit_responder_interface::router(
                self.clone(),
            ))
            .merge(reverse_claim_responder_interface::router(self.clone()))
            .merge(send_attachment_responder_interface::router(self.clone()))
            .merge(submit_claim_responder_interface::router(self.clone()))
            .merge(subscription_dental_care_responder_interface::router(
                self.clone(),
            ))
            .merge(test_responder_interface::router(self.clone()))
            .merge(validate_claim_responder_interface::router(self.clone()))
    }
}

use check_patient_responder_interface as cpi;
use get_message_responder_interface as gmi;
use get_payment_specification_responder_interface as gpi;
use pre_assessment_claim_responder_interface as pci;
use pre_assessment_stb_responder_interface as psi;
use register_patient_responder_interface as rpi;
use report_statistical_visit_responder_interface as svi;
use reverse_claim_responder_interface as rci;
use send_attachment_responder_interface as sai;
use submit_claim_responder_interface as sci;
use subscription_dental_care_responder_interface as sdi;
use test_responder_interface as ti;
use validate_claim_responder_interface as vci;

impl cpi::CheckPatientResponderService for Examples {
    async fn check_patient(
        &self,
        _: check_patient_responder_v2::CheckPatientType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<check_patient_responder_v2::CheckPatientResponseType, cpi::CheckPatientFault> {
        self.answer(
            "CheckPatient",
            Some(&h),
            "check-patient/examples/CheckPatientResponse.xml",
        )
    }
}

impl gmi::GetMessageResponderService for Examples {
    async fn get_messages(
        &self,
        _: get_message_responder_v1::GetMessagesType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<get_message_responder_v1::GetMessagesResponseType, gmi::GetMessagesFault> {
        self.answer(
            "GetMessages",
            Some(&h),
            "get-message/examples/GetMessagesResponse.xml",
        )
    }
    async fn acknowledge_messages(
        &self,
        _: get_message_responder_v1::AcknowledgeMessagesType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<
        get_message_responder_v1::AcknowledgeMessagesResponseType,
        gmi::AcknowledgeMessagesFault,
    > {
        self.answer(
            "AcknowledgeMessages",
            Some(&h),
            "get-message/examples/AcknowledgeMessagesResponse.xml",
        )
    }
}

impl gpi::GetPaymentSpecificationResponderService for Examples {
    async fn get_payment_specification(
        &self,
        _: get_payment_specification_responder_v1::GetPaymentSpecificationType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<
        get_payment_specification_responder_v1::GetPaymentSpecificationResponseType,
        gpi::GetPaymentSpecificationFault,
    > {
        self.answer(
            "GetPaymentSpecification",
            Some(&h),
            "payment-specification/examples/GetPaymentSpecificationResponse.xml",
        )
    }
}

impl pci::PreAssessmentClaimResponderService for Examples {
    async fn submit_pre_assessment(
        &self,
        _: pre_assessment_claim_responder_v1::SubmitPreAssessmentType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<
        pre_assessment_claim_responder_v1::SubmitPreAssessmentResponseType,
        pci::SubmitPreAssessmentFault,
    > {
        self.answer(
            "SubmitPreAssessment",
            Some(&h),
            "pre-assessment-claim/examples/SubmitPreAssessmentResponse.xml",
        )
    }
    async fn get_pre_assessment_status(
        &self,
        _: pre_assessment_claim_responder_v1::GetPreAssessmentStatusType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<
        pre_assessment_claim_responder_v1::GetPreAssessmentStatusResponseType,
        pci::GetPreAssessmentStatusFault,
    > {
        self.answer(
            "GetPreAssessmentStatus",
            Some(&h),
            "pre-assessment-claim/examples/GetPreAssessmentStatusResponse.xml",
        )
    }
}

impl psi::PreAssessmentStbResponderService for Examples {
    async fn submit_stb_pre_assessment(
        &self,
        _: pre_assessment_stb_responder_v1::SubmitStbPreAssessmentType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<
        pre_assessment_stb_responder_v1::SubmitStbPreAssessmentResponseType,
        psi::SubmitStbPreAssessmentFault,
    > {
        self.answer(
            "SubmitStbPreAssessment",
            Some(&h),
            "pre-assessment-stb/examples/SubmitStbPreAssessmentResponse.xml",
        )
    }
    async fn get_stb_pre_assessment_status(
        &self,
        _: pre_assessment_stb_responder_v1::GetStbPreAssessmentStatusType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<
        pre_assessment_stb_responder_v1::GetStbPreAssessmentStatusResponseType,
        psi::GetStbPreAssessmentStatusFault,
    > {
        self.answer(
            "GetStbPreAssessmentStatus",
            Some(&h),
            "pre-assessment-stb/examples/GetStbPreAssessmentStatusResponse.xml",
        )
    }
}

impl rpi::RegisterPatientResponderService for Examples {
    async fn register_patient(
        &self,
        _: register_patient_responder_v1::RegisterPatientType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<register_patient_responder_v1::RegisterPatientResponseType, rpi::RegisterPatientFault>
    {
        self.answer(
            "RegisterPatient",
            Some(&h),
            "register-patient/examples/RegisterPatientResponse.xml",
        )
    }
}

impl svi::ReportStatisticalVisitResponderService for Examples {
    async fn report_statistical_visit(
        &self,
        _: report_statistical_visit_responder_v1::ReportStatisticalVisitType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<
        report_statistical_visit_responder_v1::ReportStatisticalVisitResponseType,
        svi::ReportStatisticalVisitFault,
    > {
        self.answer(
            "ReportStatisticalVisit",
            Some(&h),
            "statistical-visit/examples/ReportStatisticalVisitResponse.xml",
        )
    }
}

impl rci::ReverseClaimResponderService for Examples {
    async fn reverse_claim(
        &self,
        _: reverse_claim_responder_v1::ReverseClaimType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<reverse_claim_responder_v1::ReverseClaimResponseType, rci::ReverseClaimFault> {
        self.answer(
            "ReverseClaim",
            Some(&h),
            "reverse-claim/examples/ReverseClaimResponse.xml",
        )
    }
}

impl sai::SendAttachmentResponderService for Examples {
    async fn send_attachment(
        &self,
        _: send_attachment_responder_v1::SendAttachmentType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<send_attachment_responder_v1::SendAttachmentResponseType, sai::SendAttachmentFault>
    {
        self.answer(
            "SendAttachment",
            Some(&h),
            "send-attachment/examples/SendAttachmentResponse.xml",
        )
    }
}

impl sci::SubmitClaimResponderService for Examples {
    async fn submit_claim(
        &self,
        _: submit_claim_responder_v2::SubmitClaimType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<submit_claim_responder_v2::SubmitClaimResponseType, sci::SubmitClaimFault> {
        self.answer(
            "SubmitClaim",
            Some(&h),
            "submit-claim/examples/SubmitClaimResponse.xml",
        )
    }
}

impl sdi::SubscriptionDentalCareResponderService for Examples {
    async fn register_subscription(
        &self,
        _: subscription_dental_care_responder_v1::RegisterSubscriptionType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<
        subscription_dental_care_responder_v1::RegisterSubscriptionResponseType,
        sdi::RegisterSubscriptionFault,
    > {
        self.answer(
            "RegisterSubscription",
            Some(&h),
            "subscription-dental-care/examples/RegisterSubscriptionResponse.xml",
        )
    }
    async fn terminate_subscription(
        &self,
        _: subscription_dental_care_responder_v1::TerminateSubscriptionType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<
        subscription_dental_care_responder_v1::TerminateSubscriptionResponseType,
        sdi::TerminateSubscriptionFault,
    > {
        self.answer(
            "TerminateSubscription",
            Some(&h),
            "subscription-dental-care/examples/TerminateSubscriptionResponse.xml",
        )
    }
}

impl ti::TestResponderService for Examples {
    async fn ping(
        &self,
        _: test_responder_v1::PingType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<test_responder_v1::PingResponseType, ti::PingFault> {
        self.answer("Ping", None, "test/examples/PingResponse.xml")
    }
    async fn echo(
        &self,
        _: test_responder_v1::EchoType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<test_responder_v1::EchoResponseType, ti::EchoFault> {
        self.answer("Echo", Some(&h), "test/examples/EchoResponse.xml")
    }
    async fn who_am_i(
        &self,
        _: test_responder_v1::WhoAmIType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<test_responder_v1::WhoAmIResponseType, ti::WhoAmIFault> {
        self.answer("WhoAmI", None, "test/examples/WhoAmIResponse.xml")
    }
    async fn get_service_info(
        &self,
        _: test_responder_v1::GetServiceInfoType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<test_responder_v1::GetServiceInfoResponseType, ti::GetServiceInfoFault> {
        self.answer(
            "GetServiceInfo",
            Some(&h),
            "test/examples/GetServiceInfoResponse.xml",
        )
    }
}

impl vci::ValidateClaimResponderService for Examples {
    async fn validate_claim(
        &self,
        _: validate_claim_responder_v2::ValidateClaimType,
        h: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Answer<validate_claim_responder_v2::ValidateClaimResponseType, vci::ValidateClaimFault>
    {
        self.answer(
            "ValidateClaim",
            Some(&h),
            "validate-claim/examples/ValidateClaimResponse.xml",
        )
    }
}

// ---------------------------------------------------------------------------------------
// Clients of every interface

/// A client of every interface, on one shared transport, with the common header set.
pub struct Clients {
    pub check_patient: cpi::CheckPatientResponderClient,
    pub get_message: gmi::GetMessageResponderClient,
    pub payment: gpi::GetPaymentSpecificationResponderClient,
    pub pre_claim: pci::PreAssessmentClaimResponderClient,
    pub pre_stb: psi::PreAssessmentStbResponderClient,
    pub register_patient: rpi::RegisterPatientResponderClient,
    pub statistical: svi::ReportStatisticalVisitResponderClient,
    pub reverse: rci::ReverseClaimResponderClient,
    pub attachment: sai::SendAttachmentResponderClient,
    pub submit: sci::SubmitClaimResponderClient,
    pub subscription: sdi::SubscriptionDentalCareResponderClient,
    pub test: ti::TestResponderClient,
    pub validate: vci::ValidateClaimResponderClient,
}

/// Points a WSDL endpoint at the test server (same path) or at `/` when `at_root`.
fn endpoint(base: &str, wsdl: &str, at_root: bool) -> String {
    if at_root {
        format!("{base}/")
    } else {
        format!("{base}{}", tandvard_runtime::server::url_path(wsdl))
    }
}

impl Clients {
    pub fn new(transport: HttpsTransport, base: &str, at_root: bool) -> Clients {
        let t = Arc::new(transport);
        let h = request_header();
        let soap = |wsdl: &str| {
            tandvard_runtime::client::SoapClient::with_shared_transport(
                t.clone(),
                endpoint(base, wsdl, at_root),
            )
            .with_retry_policy(tandvard_runtime::client::RetryPolicy::none())
        };
        Clients {
            check_patient: cpi::CheckPatientResponderClient::from_soap_client(soap(cpi::ENDPOINT))
                .with_header(h.clone()),
            get_message: gmi::GetMessageResponderClient::from_soap_client(soap(gmi::ENDPOINT))
                .with_header(h.clone()),
            payment: gpi::GetPaymentSpecificationResponderClient::from_soap_client(soap(
                gpi::ENDPOINT,
            ))
            .with_header(h.clone()),
            pre_claim: pci::PreAssessmentClaimResponderClient::from_soap_client(soap(
                pci::ENDPOINT,
            ))
            .with_header(h.clone()),
            pre_stb: psi::PreAssessmentStbResponderClient::from_soap_client(soap(psi::ENDPOINT))
                .with_header(h.clone()),
            register_patient: rpi::RegisterPatientResponderClient::from_soap_client(soap(
                rpi::ENDPOINT,
            ))
            .with_header(h.clone()),
            statistical: svi::ReportStatisticalVisitResponderClient::from_soap_client(soap(
                svi::ENDPOINT,
            ))
            .with_header(h.clone()),
            reverse: rci::ReverseClaimResponderClient::from_soap_client(soap(rci::ENDPOINT))
                .with_header(h.clone()),
            attachment: sai::SendAttachmentResponderClient::from_soap_client(soap(sai::ENDPOINT))
                .with_header(h.clone()),
            submit: sci::SubmitClaimResponderClient::from_soap_client(soap(sci::ENDPOINT))
                .with_header(h.clone()),
            subscription: sdi::SubscriptionDentalCareResponderClient::from_soap_client(soap(
                sdi::ENDPOINT,
            ))
            .with_header(h.clone()),
            test: ti::TestResponderClient::from_soap_client(soap(ti::ENDPOINT))
                .with_header(h.clone()),
            validate: vci::ValidateClaimResponderClient::from_soap_client(soap(vci::ENDPOINT))
                .with_header(h),
        }
    }

    /// Calls every operation of every interface with its example request and checks the
    /// response equals the example response. Returns the number of calls.
    pub async fn call_every_operation(&self) -> usize {
        let mut n = 0;
        macro_rules! call {
            ($client:ident . $method:ident, $req:literal, $resp:literal) => {{
                let got = self
                    .$client
                    .$method(example($req))
                    .await
                    .unwrap_or_else(|e| panic!("{}: {e}", stringify!($method)));
                let want = example($resp);
                assert!(
                    got == want,
                    "{}: the response differs from {}",
                    stringify!($method),
                    $resp
                );
                n += 1;
            }};
        }
        call!(
            check_patient.check_patient,
            "check-patient/examples/CheckPatientRequest.xml",
            "check-patient/examples/CheckPatientResponse.xml"
        );
        call!(
            get_message.get_messages,
            "get-message/examples/GetMessagesRequest.xml",
            "get-message/examples/GetMessagesResponse.xml"
        );
        call!(
            get_message.acknowledge_messages,
            "get-message/examples/AcknowledgeMessagesRequest.xml",
            "get-message/examples/AcknowledgeMessagesResponse.xml"
        );
        call!(
            payment.get_payment_specification,
            "payment-specification/examples/GetPaymentSpecificationRequest.xml",
            "payment-specification/examples/GetPaymentSpecificationResponse.xml"
        );
        call!(
            pre_claim.submit_pre_assessment,
            "pre-assessment-claim/examples/SubmitPreAssessmentRequest.xml",
            "pre-assessment-claim/examples/SubmitPreAssessmentResponse.xml"
        );
        call!(
            pre_claim.get_pre_assessment_status,
            "pre-assessment-claim/examples/GetPreAssessmentStatusRequest.xml",
            "pre-assessment-claim/examples/GetPreAssessmentStatusResponse.xml"
        );
        call!(
            pre_stb.submit_stb_pre_assessment,
            "pre-assessment-stb/examples/SubmitStbPreAssessmentRequest.xml",
            "pre-assessment-stb/examples/SubmitStbPreAssessmentResponse.xml"
        );
        call!(
            pre_stb.get_stb_pre_assessment_status,
            "pre-assessment-stb/examples/GetStbPreAssessmentStatusRequest.xml",
            "pre-assessment-stb/examples/GetStbPreAssessmentStatusResponse.xml"
        );
        call!(
            register_patient.register_patient,
            "register-patient/examples/RegisterPatientRequest.xml",
            "register-patient/examples/RegisterPatientResponse.xml"
        );
        call!(
            statistical.report_statistical_visit,
            "statistical-visit/examples/ReportStatisticalVisitRequest.xml",
            "statistical-visit/examples/ReportStatisticalVisitResponse.xml"
        );
        call!(
            reverse.reverse_claim,
            "reverse-claim/examples/ReverseClaimRequest.xml",
            "reverse-claim/examples/ReverseClaimResponse.xml"
        );
        call!(
            attachment.send_attachment,
            "send-attachment/examples/SendAttachmentRequest.xml",
            "send-attachment/examples/SendAttachmentResponse.xml"
        );
        call!(
            submit.submit_claim,
            "submit-claim/examples/SubmitClaimRequest.xml",
            "submit-claim/examples/SubmitClaimResponse.xml"
        );
        call!(
            subscription.register_subscription,
            "subscription-dental-care/examples/RegisterSubscriptionRequest.xml",
            "subscription-dental-care/examples/RegisterSubscriptionResponse.xml"
        );
        call!(
            subscription.terminate_subscription,
            "subscription-dental-care/examples/TerminateSubscriptionRequest.xml",
            "subscription-dental-care/examples/TerminateSubscriptionResponse.xml"
        );
        call!(
            test.ping,
            "test/examples/PingRequest.xml",
            "test/examples/PingResponse.xml"
        );
        call!(
            test.echo,
            "test/examples/EchoRequest.xml",
            "test/examples/EchoResponse.xml"
        );
        call!(
            test.who_am_i,
            "test/examples/WhoAmIRequest.xml",
            "test/examples/WhoAmIResponse.xml"
        );
        call!(
            test.get_service_info,
            "test/examples/GetServiceInfoRequest.xml",
            "test/examples/GetServiceInfoResponse.xml"
        );
        call!(
            validate.validate_claim,
            "validate-claim/examples/ValidateClaimRequest.xml",
            "validate-claim/examples/ValidateClaimResponse.xml"
        );
        n
    }
}
