//! `xs:duration` and the partial Gregorian types (`xs:gYear`, `xs:gYearMonth`, `xs:gMonth`,
//! `xs:gDay`, `xs:gMonthDay`): validated, string-backed newtypes that keep the lexical form.

use std::fmt;
use std::str::FromStr;

use super::SimpleValue;
use super::datetime::{Cursor, days_in_month};
use super::trim;
use crate::error::ValueError;

macro_rules! string_backed {
    ($(#[$doc:meta])* $t:ident, $xsd:literal, $check:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $t(String);

        impl $t {
            /// Validates the lexical form (surrounding whitespace is trimmed).
            pub fn new(s: &str) -> Result<Self, ValueError> {
                let t = trim(s);
                $check(t).map_err(|reason| ValueError::invalid($xsd, s, reason))?;
                Ok($t(t.to_owned()))
            }
            /// The lexical form.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl SimpleValue for $t {
            const NEEDS_ESCAPE: bool = false;
            fn from_text(s: &str) -> Result<Self, ValueError> {
                Self::new(s)
            }
            fn write_text(&self, out: &mut String) {
                out.push_str(&self.0);
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $t {
            type Err = ValueError;
            fn from_str(s: &str) -> Result<Self, ValueError> {
                Self::new(s)
            }
        }

        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

fn end(c: &mut Cursor<'_>) -> Result<(), &'static str> {
    c.tz()?;
    if c.at_end() {
        Ok(())
    } else {
        Err("unexpected characters at the end")
    }
}

fn month(c: &mut Cursor<'_>) -> Result<u8, &'static str> {
    let m = c.two().ok_or("expected a two-digit month")?;
    if (1..=12).contains(&m) {
        Ok(m)
    } else {
        Err("month out of range (01 to 12)")
    }
}

fn day(c: &mut Cursor<'_>, max: u8) -> Result<u8, &'static str> {
    let d = c.two().ok_or("expected a two-digit day")?;
    if (1..=max).contains(&d) {
        Ok(d)
    } else {
        Err("no such day")
    }
}

fn check_gyear(s: &str) -> Result<(), &'static str> {
    let mut c = Cursor::new(s);
    c.year()?;
    end(&mut c)
}

fn check_gyear_month(s: &str) -> Result<(), &'static str> {
    let mut c = Cursor::new(s);
    c.year()?;
    if !c.eat(b'-') {
        return Err("expected YYYY-MM");
    }
    month(&mut c)?;
    end(&mut c)
}

fn check_gmonth(s: &str) -> Result<(), &'static str> {
    let mut c = Cursor::new(s);
    if !(c.eat(b'-') && c.eat(b'-')) {
        return Err("expected --MM");
    }
    month(&mut c)?;
    end(&mut c)
}

fn check_gday(s: &str) -> Result<(), &'static str> {
    let mut c = Cursor::new(s);
    if !(c.eat(b'-') && c.eat(b'-') && c.eat(b'-')) {
        return Err("expected ---DD");
    }
    day(&mut c, 31)?;
    end(&mut c)
}

fn check_gmonth_day(s: &str) -> Result<(), &'static str> {
    let mut c = Cursor::new(s);
    if !(c.eat(b'-') && c.eat(b'-')) {
        return Err("expected --MM-DD");
    }
    let m = month(&mut c)?;
    if !c.eat(b'-') {
        return Err("expected --MM-DD");
    }
    // A leap year, so that --02-29 is allowed.
    day(&mut c, days_in_month(2000, m))?;
    end(&mut c)
}

/// `PnYnMnDTnHnMnS` with an optional leading `-`; at least one component, and a `T` must
/// be followed by at least one time component; only seconds may have a fraction.
fn check_duration(s: &str) -> Result<(), &'static str> {
    const SHAPE: &str = "expected PnYnMnDTnHnMnS";
    let mut c = Cursor::new(s);
    c.eat(b'-');
    if !c.eat(b'P') {
        return Err(SHAPE);
    }
    let mut any = false;
    let mut in_time = false;
    let mut time_any = false;
    // Allowed designators in order; each at most once.
    let date_order = [b'Y', b'M', b'D'];
    let time_order = [b'H', b'M', b'S'];
    let mut next_idx = 0usize;
    loop {
        if c.at_end() {
            break;
        }
        if c.eat(b'T') {
            if in_time {
                return Err(SHAPE);
            }
            in_time = true;
            next_idx = 0;
            continue;
        }
        let digits = c.digits();
        if digits.is_empty() {
            return Err(SHAPE);
        }
        let mut fraction = false;
        if c.eat(b'.') {
            if c.digits().is_empty() {
                return Err("expected digits after the decimal point");
            }
            fraction = true;
        }
        let Some(designator) = c.peek() else {
            return Err("a number must be followed by a designator (Y, M, D, H, M or S)");
        };
        c.i += 1;
        let order: &[u8] = if in_time { &time_order } else { &date_order };
        let Some(pos) = order[next_idx.min(order.len())..]
            .iter()
            .position(|&d| d == designator)
        else {
            return Err("designators out of order or repeated");
        };
        if fraction && !(in_time && designator == b'S') {
            return Err("only seconds may have a fraction");
        }
        next_idx += pos + 1;
        any = true;
        if in_time {
            time_any = true;
        }
    }
    if !any {
        return Err("at least one component is required");
    }
    if in_time && !time_any {
        return Err("'T' must be followed by a time component");
    }
    Ok(())
}

string_backed!(
    /// `xs:duration`, e.g. `P1Y2M3DT4H5M6.7S` or `-PT30M` (validated, kept as written).
    Duration, "xs:duration", check_duration);
string_backed!(
    /// `xs:gYear`, e.g. `2026` or `2026+01:00`.
    GYear, "xs:gYear", check_gyear);
string_backed!(
    /// `xs:gYearMonth`, e.g. `2026-02`.
    GYearMonth, "xs:gYearMonth", check_gyear_month);
string_backed!(
    /// `xs:gMonth`, e.g. `--02`.
    GMonth, "xs:gMonth", check_gmonth);
string_backed!(
    /// `xs:gDay`, e.g. `---28`.
    GDay, "xs:gDay", check_gday);
string_backed!(
    /// `xs:gMonthDay`, e.g. `--02-29`.
    GMonthDay, "xs:gMonthDay", check_gmonth_day);
