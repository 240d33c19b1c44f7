//! Facet checks used by generated newtypes in their `new()` constructors, e.g.
//!
//! ```
//! use tandvard_runtime::{Decimal, ValueError, facets};
//! pub struct AmountType(Decimal);
//! impl AmountType {
//!     pub fn new(v: Decimal) -> Result<Self, ValueError> {
//!         facets::fraction_digits(&v, 2)?;
//!         facets::min_inclusive(&v, &Decimal::ZERO)?;
//!         Ok(Self(v))
//!     }
//! }
//! # assert!(AmountType::new("12.345".parse().unwrap()).is_err());
//! ```

use std::fmt::Display;
use std::sync::LazyLock;

use regex::Regex;

use crate::Decimal;
use crate::error::{ValueError, quote};
use crate::value::HexBinary;

/// Values whose length can be constrained by `length`, `minLength` and `maxLength`:
/// strings count characters (not bytes), binary values count octets, lists count items.
pub trait FacetLength {
    /// The length in the facet's unit.
    fn facet_len(&self) -> usize;
    /// How to show the value in an error message.
    fn describe(&self) -> String;
    /// The facet's unit, for error messages.
    fn unit(&self) -> &'static str {
        "characters"
    }
}

impl FacetLength for str {
    fn facet_len(&self) -> usize {
        self.chars().count()
    }
    fn describe(&self) -> String {
        quote(self)
    }
}

impl FacetLength for String {
    fn facet_len(&self) -> usize {
        self.chars().count()
    }
    fn describe(&self) -> String {
        quote(self)
    }
}

impl FacetLength for [u8] {
    fn facet_len(&self) -> usize {
        self.len()
    }
    fn describe(&self) -> String {
        "the binary value".to_owned()
    }
    fn unit(&self) -> &'static str {
        "octets"
    }
}

impl FacetLength for Vec<u8> {
    fn facet_len(&self) -> usize {
        self.len()
    }
    fn describe(&self) -> String {
        "the binary value".to_owned()
    }
    fn unit(&self) -> &'static str {
        "octets"
    }
}

impl FacetLength for HexBinary {
    fn facet_len(&self) -> usize {
        self.0.len()
    }
    fn describe(&self) -> String {
        "the binary value".to_owned()
    }
    fn unit(&self) -> &'static str {
        "octets"
    }
}

/// Lists (`xs:list` types) count items.
pub struct ListLen<'a, T>(pub &'a [T]);

impl<T> FacetLength for ListLen<'_, T> {
    fn facet_len(&self) -> usize {
        self.0.len()
    }
    fn describe(&self) -> String {
        "the list".to_owned()
    }
    fn unit(&self) -> &'static str {
        "items"
    }
}

impl<T> FacetLength for crate::value::XsList<T> {
    fn facet_len(&self) -> usize {
        self.0.len()
    }
    fn describe(&self) -> String {
        "the list".to_owned()
    }
    fn unit(&self) -> &'static str {
        "items"
    }
}

/// A `fixed` value: the value must equal the fixed value's parse (compared by value, so
/// `1.0` matches a fixed `1.00` for decimals).
pub fn fixed<T: crate::SimpleValue + PartialEq>(v: &T, fixed: &str) -> Result<(), ValueError> {
    match T::from_text(fixed) {
        Ok(f) if &f == v => Ok(()),
        Ok(_) => Err(ValueError::new(format!(
            "{} is not the fixed value {}",
            quote(&v.to_text()),
            quote(fixed)
        ))),
        Err(e) => Err(ValueError::new(format!(
            "the fixed value {} is invalid: {e}",
            quote(fixed)
        ))),
    }
}

/// `length`: exactly `n` characters (octets for binary, items for lists).
pub fn length<T: FacetLength + ?Sized>(v: &T, n: usize) -> Result<(), ValueError> {
    let len = v.facet_len();
    if len == n {
        Ok(())
    } else {
        Err(ValueError::new(format!(
            "{} has length {len}, must be exactly {n} {}",
            v.describe(),
            v.unit()
        )))
    }
}

/// `minLength`: at least `n` characters (octets for binary, items for lists).
pub fn min_length<T: FacetLength + ?Sized>(v: &T, n: usize) -> Result<(), ValueError> {
    let len = v.facet_len();
    if len >= n {
        Ok(())
    } else {
        Err(ValueError::new(format!(
            "{} has length {len}, at least {n} {} required",
            v.describe(),
            v.unit()
        )))
    }
}

/// `maxLength`: at most `n` characters (octets for binary, items for lists).
pub fn max_length<T: FacetLength + ?Sized>(v: &T, n: usize) -> Result<(), ValueError> {
    let len = v.facet_len();
    if len <= n {
        Ok(())
    } else {
        Err(ValueError::new(format!(
            "{} has length {len}, at most {n} {} allowed",
            v.describe(),
            v.unit()
        )))
    }
}

/// `pattern`: `s` must match `re` (a translated, anchored pattern, see
/// [`xsd_pattern_to_regex`](crate::xsd_pattern_to_regex)); `original` is the XSD pattern
/// shown in the error, e.g. `"abc" does not match pattern [0-9]{8}-[0-9]{4}`.
pub fn pattern(s: &str, re: &LazyLock<Regex>, original: &str) -> Result<(), ValueError> {
    if re.is_match(s) {
        Ok(())
    } else {
        Err(ValueError::new(format!(
            "{} does not match pattern {original}",
            quote(s)
        )))
    }
}

/// Several `pattern` facets in one derivation step: `s` must match at least one
/// (XSD ORs patterns given in the same step; patterns of different steps are ANDed,
/// which is several calls to [`pattern`]).
pub fn pattern_any(s: &str, patterns: &[(&LazyLock<Regex>, &str)]) -> Result<(), ValueError> {
    if patterns.iter().any(|(re, _)| re.is_match(s)) {
        return Ok(());
    }
    let all: Vec<&str> = patterns.iter().map(|(_, p)| *p).collect();
    Err(ValueError::new(format!(
        "{} does not match any of the patterns {}",
        quote(s),
        all.join(" | ")
    )))
}

/// `enumeration` (for types that are not emitted as Rust enums): `v` must be one of `allowed`.
pub fn enumeration<T: PartialEq + Display + ?Sized>(
    v: &T,
    allowed: &[&T],
) -> Result<(), ValueError> {
    if allowed.contains(&v) {
        return Ok(());
    }
    let list: Vec<String> = allowed.iter().map(|a| a.to_string()).collect();
    Err(ValueError::new(format!(
        "{} is not one of the allowed values: {}",
        quote(&v.to_string()),
        list.join(", ")
    )))
}

fn bound<T: PartialOrd + Display + ?Sized>(
    v: &T,
    limit: &T,
    ok: bool,
    relation: &str,
    facet: &str,
) -> Result<(), ValueError> {
    if ok {
        Ok(())
    } else {
        Err(ValueError::new(format!(
            "{v} is {relation} {limit} ({facet})"
        )))
    }
}

/// `minInclusive`: `v >= min`.
pub fn min_inclusive<T: PartialOrd + Display + ?Sized>(v: &T, min: &T) -> Result<(), ValueError> {
    bound(v, min, v >= min, "less than the minimum", "minInclusive")
}

/// `maxInclusive`: `v <= max`.
pub fn max_inclusive<T: PartialOrd + Display + ?Sized>(v: &T, max: &T) -> Result<(), ValueError> {
    bound(v, max, v <= max, "greater than the maximum", "maxInclusive")
}

/// `minExclusive`: `v > min`.
pub fn min_exclusive<T: PartialOrd + Display + ?Sized>(v: &T, min: &T) -> Result<(), ValueError> {
    bound(v, min, v > min, "not greater than", "minExclusive")
}

/// `maxExclusive`: `v < max`.
pub fn max_exclusive<T: PartialOrd + Display + ?Sized>(v: &T, max: &T) -> Result<(), ValueError> {
    bound(v, max, v < max, "not less than", "maxExclusive")
}

/// Numbers whose digits can be constrained by `totalDigits` and `fractionDigits`.
/// Counting is on the value (XSD value space): trailing fractional zeros and leading zeros
/// do not count, so `12.50` has 3 total digits and 1 fraction digit.
pub trait Digits: Display {
    /// Significant decimal digits of the value.
    fn total_digits(&self) -> u32;
    /// Decimal digits after the point of the value.
    fn fraction_digits(&self) -> u32;
}

fn count_digits(mut m: u128) -> u32 {
    let mut n = 1;
    while m >= 10 {
        m /= 10;
        n += 1;
    }
    n
}

impl Digits for Decimal {
    fn total_digits(&self) -> u32 {
        let n = self.normalize();
        let digits = count_digits(n.mantissa().unsigned_abs());
        // 0.05 has mantissa 5, scale 2: the value needs 2 digits (fraction digits).
        digits.max(n.scale())
    }
    fn fraction_digits(&self) -> u32 {
        self.normalize().scale()
    }
}

macro_rules! int_digits {
    ($($t:ty),*) => {$(
        impl Digits for $t {
            fn total_digits(&self) -> u32 {
                count_digits(self.unsigned_abs() as u128)
            }
            fn fraction_digits(&self) -> u32 {
                0
            }
        }
    )*};
}
macro_rules! uint_digits {
    ($($t:ty),*) => {$(
        impl Digits for $t {
            fn total_digits(&self) -> u32 {
                count_digits(*self as u128)
            }
            fn fraction_digits(&self) -> u32 {
                0
            }
        }
    )*};
}
int_digits!(i8, i16, i32, i64, i128);
uint_digits!(u8, u16, u32, u64, u128);

/// `totalDigits`: at most `n` significant digits, e.g.
/// `"123456" has 6 total digits, at most 5 allowed`.
pub fn total_digits<T: Digits + ?Sized>(v: &T, n: u32) -> Result<(), ValueError> {
    let d = v.total_digits();
    if d <= n {
        Ok(())
    } else {
        Err(ValueError::new(format!(
            "\"{v}\" has {d} total digits, at most {n} allowed"
        )))
    }
}

/// `fractionDigits`: at most `n` digits after the point, e.g.
/// `"12.345" has 3 fraction digits, at most 2 allowed`.
pub fn fraction_digits<T: Digits + ?Sized>(v: &T, n: u32) -> Result<(), ValueError> {
    let d = v.fraction_digits();
    if d <= n {
        Ok(())
    } else {
        Err(ValueError::new(format!(
            "\"{v}\" has {d} fraction digits, at most {n} allowed"
        )))
    }
}
