//! Business results carried in response bodies.

use std::fmt;

use crate::value::SimpleValue;

/// The result code of a business outcome.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ResultCode {
    /// `OK`: processed without remarks.
    Ok,
    /// `INFO` (or `WARNING`): processed, with remarks.
    Info,
    /// `ERROR` (or `REJECTED`, `FAILED`): rejected by a business rule.
    Error,
    /// Any other code, as written.
    Other(String),
}

impl ResultCode {
    /// Classifies a code as written (case-insensitive).
    pub fn parse(code: &str) -> ResultCode {
        match code.trim().to_ascii_uppercase().as_str() {
            "OK" | "SUCCESS" => ResultCode::Ok,
            "INFO" | "WARNING" | "WARN" => ResultCode::Info,
            "ERROR" | "REJECTED" | "FAILED" | "FAILURE" => ResultCode::Error,
            _ => ResultCode::Other(code.to_owned()),
        }
    }

    /// Whether this is a rejection.
    pub fn is_error(&self) -> bool {
        *self == ResultCode::Error
    }
}

impl fmt::Display for ResultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResultCode::Ok => f.write_str("OK"),
            ResultCode::Info => f.write_str("INFO"),
            ResultCode::Error => f.write_str("ERROR"),
            ResultCode::Other(s) => f.write_str(s),
        }
    }
}

/// One rule outcome in a business result.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutcomeDetail {
    /// The rule's code.
    pub code: Option<String>,
    /// Its severity, as written.
    pub severity: Option<String>,
    /// Its text.
    pub text: Option<String>,
    /// Where in the request it applies.
    pub path: Option<String>,
}

/// The business outcome of a response, read generically from its result element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The result code.
    pub code: ResultCode,
    /// The main error code, when rejected.
    pub error_code: Option<String>,
    /// A summary text.
    pub message: Option<String>,
    /// The service's transaction id (quote it to support).
    pub log_id: Option<String>,
    /// Individual rule outcomes.
    pub details: Vec<OutcomeDetail>,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(c) = &self.error_code {
            write!(f, " {c}")?;
        }
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        for d in &self.details {
            f.write_str(" [")?;
            let parts: Vec<&str> = [&d.severity, &d.code, &d.text, &d.path]
                .into_iter()
                .filter_map(|p| p.as_deref())
                .collect();
            f.write_str(&parts.join(" "))?;
            f.write_str("]")?;
        }
        if let Some(l) = &self.log_id {
            write!(f, " (log id {l})")?;
        }
        Ok(())
    }
}

/// A response that carries a business result (a business rejection is a response, not an
/// error). Implemented by generated code for every response type with a result element,
/// detected by structure: a direct child whose complex type has a child of an enumerated
/// type that has the values `OK` and `ERROR`. Its other children named `errorCode`,
/// `message`, `logId` and `detail` (with `code`, `severity`, `text`, `path`) fill the rest
/// of the [`Outcome`] when present.
pub trait BusinessResult: Sized {
    /// The outcome.
    fn outcome(&self) -> Outcome;

    /// Whether the service rejected the request.
    fn is_rejected(&self) -> bool {
        self.outcome().code.is_error()
    }

    /// The response when it is not a rejection, else a [`BusinessRejection`] error that
    /// holds the outcome and the response: `client.submit_claim(req).await?.ensure_ok()?`.
    fn ensure_ok(self) -> Result<Self, BusinessRejection<Self>> {
        let outcome = self.outcome();
        if outcome.code.is_error() {
            Err(BusinessRejection {
                outcome,
                response: self,
            })
        } else {
            Ok(self)
        }
    }
}

/// A business rejection turned into an error by [`BusinessResult::ensure_ok`].
#[derive(Clone, Debug, PartialEq)]
pub struct BusinessRejection<T> {
    /// The outcome (code, error code, message, details).
    pub outcome: Outcome,
    /// The whole response.
    pub response: T,
}

impl<T> fmt::Display for BusinessRejection<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rejected by the service: {}", self.outcome)
    }
}

impl<T: fmt::Debug> std::error::Error for BusinessRejection<T> {}

/// The lexical form of a simple value (used by generated [`BusinessResult`] impls).
pub fn text_of<T: SimpleValue>(value: &T) -> String {
    value.to_text()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct R(&'static str);
    impl BusinessResult for R {
        fn outcome(&self) -> Outcome {
            Outcome {
                code: ResultCode::parse(self.0),
                error_code: Some("CLM-014".into()),
                message: Some("Nej".into()),
                log_id: Some("abc".into()),
                details: vec![OutcomeDetail {
                    code: Some("CLM-014".into()),
                    severity: Some("ERROR".into()),
                    text: None,
                    path: None,
                }],
            }
        }
    }

    #[test]
    fn ensure_ok() {
        assert!(R("OK").ensure_ok().is_ok());
        assert!(R("INFO").ensure_ok().is_ok());
        let e = R("ERROR").ensure_ok().err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("rejected by the service: ERROR CLM-014: Nej [ERROR CLM-014] (log id abc)")
        );
        assert_eq!(
            ResultCode::parse("weird"),
            ResultCode::Other("weird".into())
        );
    }
}
