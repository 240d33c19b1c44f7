//! Who is calling: the identity in the client certificate that the TLS handshake verified,
//! parsed from its DER (subject, issuer, serial number, subject alternative names), so a
//! service can authorise and audit per certificate.
//!
//! Swedish function certificates (SITHS, Expisoft) carry the HSA-id in the subject's
//! `serialNumber` attribute (e.g. `SE5566770011-F123`), the organisation's name in `O`, and
//! sometimes the organisation number in `organizationIdentifier` or the HSA-id again in a
//! subject alternative name; [`CallerIdentity::hsa_id`] and
//! [`CallerIdentity::organisation_number`] look in these places.

use std::fmt;

/// Dotted OIDs of the name attributes with a short name.
const SHORT_NAMES: &[(&str, &str)] = &[
    ("2.5.4.3", "CN"),
    ("2.5.4.4", "SN"),
    ("2.5.4.5", "serialNumber"),
    ("2.5.4.6", "C"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.12", "title"),
    ("2.5.4.42", "GN"),
    ("2.5.4.97", "organizationIdentifier"),
    ("1.2.840.113549.1.9.1", "emailAddress"),
    ("0.9.2342.19200300.100.1.25", "DC"),
];

/// The HSA-id in a subject alternative name (`otherName` of this type), as SITHS uses it.
pub const OID_HSA_ID: &str = "1.2.752.29.6.2.1";
/// A user principal name in a subject alternative name (`otherName` of this type).
pub const OID_UPN: &str = "1.3.6.1.4.1.311.20.2.3";

/// A distinguished name: its attributes in certificate order, as `(name, value)` where the
/// name is a short name (`CN`, `O`, `serialNumber`, ...) or a dotted OID.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DistinguishedName {
    /// The attributes, in order.
    pub attributes: Vec<(String, String)>,
}

impl DistinguishedName {
    /// The first value of the attribute `name` (a short name or a dotted OID).
    pub fn get(&self, name: &str) -> Option<&str> {
        let oid = SHORT_NAMES
            .iter()
            .find(|(_, short)| *short == name)
            .map(|(oid, _)| *oid);
        self.attributes
            .iter()
            .find(|(k, _)| k == name || Some(k.as_str()) == oid)
            .map(|(_, v)| v.as_str())
    }

    /// `CN`.
    pub fn common_name(&self) -> Option<&str> {
        self.get("CN")
    }

    /// `O`.
    pub fn organization(&self) -> Option<&str> {
        self.get("O")
    }

    /// `serialNumber` (the HSA-id in a SITHS certificate; not the certificate's serial).
    pub fn serial_number(&self) -> Option<&str> {
        self.get("serialNumber")
    }
}

impl fmt::Display for DistinguishedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (k, v)) in self.attributes.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{k}=")?;
            for c in v.chars() {
                if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=') {
                    write!(f, "\\{c}")?;
                } else if c.is_control() {
                    write!(f, "\\{:02x}", c as u32)?;
                } else {
                    write!(f, "{c}")?;
                }
            }
        }
        Ok(())
    }
}

/// A subject alternative name.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubjectAltName {
    /// `dNSName`.
    Dns(String),
    /// `rfc822Name` (an e-mail address).
    Email(String),
    /// `uniformResourceIdentifier`.
    Uri(String),
    /// `iPAddress`.
    Ip(std::net::IpAddr),
    /// `otherName` with a string value (`OID_HSA_ID`, `OID_UPN`, ...): the type's dotted
    /// OID and the value.
    Other(String, String),
    /// `directoryName`.
    Directory(DistinguishedName),
}

/// The verified client certificate's identity.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallerIdentity {
    /// The subject.
    pub subject: DistinguishedName,
    /// The issuer (the CA that issued the certificate).
    pub issuer: DistinguishedName,
    /// The certificate's serial number, uppercase hexadecimal without separators.
    pub serial: String,
    /// The subject alternative names.
    pub subject_alt_names: Vec<SubjectAltName>,
    /// Start of validity, `YYYY-MM-DDTHH:MM:SSZ`.
    pub not_before: String,
    /// End of validity, `YYYY-MM-DDTHH:MM:SSZ`.
    pub not_after: String,
}

/// A certificate that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("certificate: {0}")]
pub struct CertificateError(String);

impl CallerIdentity {
    /// Reads the identity from a certificate (DER). Only meaningful for a certificate the
    /// TLS handshake verified (the server passes that one).
    pub fn from_der(der: &[u8]) -> Result<Self, CertificateError> {
        let err = |m: &str| CertificateError(m.to_owned());
        let mut outer = Der::new(der);
        let mut cert = outer.expect(0x30).ok_or_else(|| err("not a SEQUENCE"))?;
        let mut tbs = cert.expect(0x30).ok_or_else(|| err("no TBSCertificate"))?;
        if tbs.peek() == Some(0xA0) {
            tbs.next().ok_or_else(|| err("version"))?;
        }
        let serial = tbs.expect(0x02).ok_or_else(|| err("no serial number"))?;
        let serial_bytes = serial.rest();
        let serial_bytes = match serial_bytes {
            [0, rest @ ..] if !rest.is_empty() => rest,
            s => s,
        };
        let serial: String = serial_bytes.iter().map(|b| format!("{b:02X}")).collect();
        tbs.expect(0x30)
            .ok_or_else(|| err("no signature algorithm"))?;
        let issuer = name(tbs.expect(0x30).ok_or_else(|| err("no issuer"))?)
            .ok_or_else(|| err("malformed issuer"))?;
        let mut validity = tbs.expect(0x30).ok_or_else(|| err("no validity"))?;
        let not_before = time(&mut validity).ok_or_else(|| err("malformed notBefore"))?;
        let not_after = time(&mut validity).ok_or_else(|| err("malformed notAfter"))?;
        let subject = name(tbs.expect(0x30).ok_or_else(|| err("no subject"))?)
            .ok_or_else(|| err("malformed subject"))?;
        tbs.expect(0x30).ok_or_else(|| err("no public key"))?;
        let mut subject_alt_names = Vec::new();
        while let Some((tag, value)) = tbs.next() {
            if tag != 0xA3 {
                continue;
            }
            let mut exts = Der::new(value)
                .expect(0x30)
                .ok_or_else(|| err("malformed extensions"))?;
            while let Some((0x30, ext)) = exts.next() {
                let mut ext = Der::new(ext);
                let oid = ext
                    .expect(0x06)
                    .map(|o| oid(o.rest()))
                    .ok_or_else(|| err("malformed extension"))?;
                if ext.peek() == Some(0x01) {
                    ext.next();
                }
                let value = ext
                    .expect(0x04)
                    .ok_or_else(|| err("malformed extension value"))?;
                if oid == "2.5.29.17" {
                    subject_alt_names =
                        alt_names(value.rest()).ok_or_else(|| err("malformed subjectAltName"))?;
                }
            }
        }
        Ok(CallerIdentity {
            subject,
            issuer,
            serial,
            subject_alt_names,
            not_before,
            not_after,
        })
    }

    /// The HSA-id: the subject's `serialNumber` when it has the HSA form (a country code,
    /// ten digits of organisation number, a dash and more), else an `otherName` of type
    /// [`OID_HSA_ID`].
    pub fn hsa_id(&self) -> Option<&str> {
        let looks_like = |s: &str| {
            let b = s.as_bytes();
            b.len() > 13
                && b[..2].iter().all(u8::is_ascii_uppercase)
                && b[2..12].iter().all(u8::is_ascii_digit)
                && b[12] == b'-'
        };
        if let Some(s) = self.subject.serial_number().filter(|s| looks_like(s)) {
            return Some(s);
        }
        self.subject_alt_names.iter().find_map(|n| match n {
            SubjectAltName::Other(oid, v) if oid == OID_HSA_ID => Some(v.as_str()),
            _ => None,
        })
    }

    /// The Swedish organisation number (`NNNNNN-NNNN`): from the subject's
    /// `organizationIdentifier` (`NTRSE-5566770011` or ten digits), else from the HSA-id.
    pub fn organisation_number(&self) -> Option<String> {
        let format = |digits: &str| {
            (digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| format!("{}-{}", &digits[..6], &digits[6..]))
        };
        if let Some(id) = self.subject.get("organizationIdentifier") {
            let digits: String = id.chars().filter(char::is_ascii_digit).collect();
            if let Some(n) = format(&digits) {
                return Some(n);
            }
        }
        self.hsa_id().and_then(|h| h.get(2..12)).and_then(format)
    }
}

impl fmt::Display for CallerIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (serial {}, issued by {})",
            self.subject, self.serial, self.issuer
        )
    }
}

/// A DER reader over one level of TLVs (single-byte tags, lengths up to 4 bytes).
struct Der<'a> {
    data: &'a [u8],
}

impl<'a> Der<'a> {
    fn new(data: &'a [u8]) -> Self {
        Der { data }
    }

    fn peek(&self) -> Option<u8> {
        self.data.first().copied()
    }

    fn rest(&self) -> &'a [u8] {
        self.data
    }

    /// The next TLV: its tag and value.
    fn next(&mut self) -> Option<(u8, &'a [u8])> {
        let (&tag, rest) = self.data.split_first()?;
        if tag & 0x1F == 0x1F {
            return None;
        }
        let (&first, mut rest) = rest.split_first()?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7F);
            if n == 0 || n > 4 || rest.len() < n {
                return None;
            }
            let mut len = 0usize;
            for &b in &rest[..n] {
                len = (len << 8) | usize::from(b);
            }
            rest = &rest[n..];
            len
        };
        if rest.len() < len {
            return None;
        }
        let (value, after) = rest.split_at(len);
        self.data = after;
        Some((tag, value))
    }

    /// The next TLV if its tag is `tag`, as a reader of its value.
    fn expect(&mut self, tag: u8) -> Option<Der<'a>> {
        match self.next()? {
            (t, v) if t == tag => Some(Der::new(v)),
            _ => None,
        }
    }
}

fn oid(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut value: u64 = 0;
    let mut first = true;
    for &b in bytes {
        value = (value << 7) | u64::from(b & 0x7F);
        if b & 0x80 == 0 {
            if first {
                let (x, y) = match value {
                    0..=39 => (0, value),
                    40..=79 => (1, value - 40),
                    _ => (2, value - 80),
                };
                out.push_str(&format!("{x}.{y}"));
                first = false;
            } else {
                out.push_str(&format!(".{value}"));
            }
            value = 0;
        }
    }
    out
}

/// A directory string of any of the usual types, as text.
fn string(tag: u8, bytes: &[u8]) -> String {
    match tag {
        // UTF8String, PrintableString, IA5String, NumericString, VisibleString
        0x0C | 0x13 | 0x16 | 0x12 | 0x1A => String::from_utf8_lossy(bytes).into_owned(),
        // TeletexString: read as Latin-1
        0x14 => bytes.iter().map(|&b| char::from(b)).collect(),
        // BMPString: UTF-16BE
        0x1E => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        // UniversalString: UTF-32BE
        0x1C => bytes
            .chunks_exact(4)
            .map(|c| {
                char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                    .unwrap_or(char::REPLACEMENT_CHARACTER)
            })
            .collect(),
        _ => {
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            format!("#{hex}")
        }
    }
}

fn name(mut seq: Der<'_>) -> Option<DistinguishedName> {
    let mut attributes = Vec::new();
    while let Some((tag, rdn)) = seq.next() {
        if tag != 0x31 {
            return None;
        }
        let mut rdn = Der::new(rdn);
        while let Some((0x30, atv)) = rdn.next() {
            let mut atv = Der::new(atv);
            let id = oid(atv.expect(0x06)?.rest());
            let (tag, value) = atv.next()?;
            let key = SHORT_NAMES
                .iter()
                .find(|(o, _)| *o == id)
                .map_or(id.clone(), |(_, s)| (*s).to_owned());
            attributes.push((key, string(tag, value)));
        }
    }
    Some(DistinguishedName { attributes })
}

fn time(seq: &mut Der<'_>) -> Option<String> {
    let (tag, v) = seq.next()?;
    let text = std::str::from_utf8(v).ok().filter(|t| t.is_ascii())?;
    let full = match tag {
        // UTCTime YYMMDDHHMMSSZ
        0x17 if text.len() == 13 => {
            let yy: u32 = text[..2].parse().ok()?;
            let century = if yy >= 50 { "19" } else { "20" };
            format!("{century}{text}")
        }
        // GeneralizedTime YYYYMMDDHHMMSSZ
        0x18 if text.len() == 15 => text.to_owned(),
        _ => return None,
    };
    if !full[..14].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!(
        "{}-{}-{}T{}:{}:{}Z",
        &full[..4],
        &full[4..6],
        &full[6..8],
        &full[8..10],
        &full[10..12],
        &full[12..14]
    ))
}

fn alt_names(value: &[u8]) -> Option<Vec<SubjectAltName>> {
    let mut names = Der::new(value).expect(0x30)?;
    let mut out = Vec::new();
    while let Some((tag, v)) = names.next() {
        let text = || String::from_utf8_lossy(v).into_owned();
        match tag {
            0x81 => out.push(SubjectAltName::Email(text())),
            0x82 => out.push(SubjectAltName::Dns(text())),
            0x86 => out.push(SubjectAltName::Uri(text())),
            0x87 => match v.len() {
                4 => out.push(SubjectAltName::Ip(std::net::IpAddr::from(
                    <[u8; 4]>::try_from(v).ok()?,
                ))),
                16 => out.push(SubjectAltName::Ip(std::net::IpAddr::from(
                    <[u8; 16]>::try_from(v).ok()?,
                ))),
                _ => {}
            },
            0xA0 => {
                let mut other = Der::new(v);
                let id = oid(other.expect(0x06)?.rest());
                let mut explicit = other.expect(0xA0)?;
                let (t, inner) = explicit.next()?;
                out.push(SubjectAltName::Other(id, string(t, inner)));
            }
            0xA4 => {
                let mut d = Der::new(v);
                out.push(SubjectAltName::Directory(name(d.expect(0x30)?)?));
            }
            _ => {}
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids() {
        assert_eq!(oid(&[0x55, 0x04, 0x03]), "2.5.4.3");
        assert_eq!(
            oid(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01]),
            "1.2.840.113549.1.9.1"
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for junk in [
            &b""[..],
            b"\x30",
            b"\x30\x84\xff\xff\xff\xff",
            b"\x30\x03\x30\x01",
            b"\x30\x80",
            b"\x1f\x00",
        ] {
            assert!(CallerIdentity::from_der(junk).is_err());
        }
    }
}
