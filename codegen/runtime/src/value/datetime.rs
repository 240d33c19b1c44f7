//! `xs:date`, `xs:time`, `xs:dateTime` and their time-zone offsets.
//!
//! These small types keep the lexical form exactly (fraction digits as written, `Z` distinct
//! from `+00:00`), so a value read from a document is written back unchanged.
//! Years follow XSD 1.1 (proleptic Gregorian; `0000` is 1 BCE; 4 or more digits).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::{SimpleValue, push_padded, trim};
use crate::error::ValueError;

// ---------------------------------------------------------------------------------------
// Calendar helpers

fn is_leap(year: i32) -> bool {
    let y = i64::from(year);
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Number of days in `month` of `year` (0 for an invalid month).
pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let m = i64::from(month);
    let y = i64::from(year) - i64::from(m <= 2);
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

// ---------------------------------------------------------------------------------------
// Lexical helpers (shared with the g* types)

pub(crate) struct Cursor<'a> {
    pub(crate) b: &'a [u8],
    pub(crate) i: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(s: &'a str) -> Self {
        Cursor {
            b: s.as_bytes(),
            i: 0,
        }
    }
    pub(crate) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    pub(crate) fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    pub(crate) fn at_end(&self) -> bool {
        self.i >= self.b.len()
    }
    /// Exactly two digits.
    pub(crate) fn two(&mut self) -> Option<u8> {
        let d = self.b.get(self.i..self.i + 2)?;
        if d[0].is_ascii_digit() && d[1].is_ascii_digit() {
            self.i += 2;
            Some((d[0] - b'0') * 10 + (d[1] - b'0'))
        } else {
            None
        }
    }
    /// A run of digits (possibly empty).
    pub(crate) fn digits(&mut self) -> &'a [u8] {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        &self.b[start..self.i]
    }
    /// `-?YYYY+`: four or more digits, no leading zero when more than four.
    pub(crate) fn year(&mut self) -> Result<i32, &'static str> {
        let neg = self.eat(b'-');
        let d = self.digits();
        if d.len() < 4 {
            return Err("the year needs at least 4 digits");
        }
        if d.len() > 4 && d[0] == b'0' {
            return Err("a year of more than 4 digits cannot start with 0");
        }
        let mut v: i64 = 0;
        for &c in d {
            v = v * 10 + i64::from(c - b'0');
            if v > i64::from(i32::MAX) {
                return Err("year out of range");
            }
        }
        let v = if neg { -v } else { v };
        i32::try_from(v).map_err(|_| "year out of range")
    }
    /// Optional time zone at the end: `Z`, `+hh:mm`, `-hh:mm`.
    pub(crate) fn tz(&mut self) -> Result<Option<TzOffset>, &'static str> {
        const BAD: &str = "invalid time zone (expected Z or ±hh:mm)";
        let sign = match self.peek() {
            None => return Ok(None),
            Some(b'Z') => {
                self.i += 1;
                return Ok(Some(TzOffset::Z));
            }
            Some(b'+') => 1,
            Some(b'-') => -1,
            Some(_) => return Err(BAD),
        };
        self.i += 1;
        let h = self.two().ok_or(BAD)?;
        if !self.eat(b':') {
            return Err(BAD);
        }
        let m = self.two().ok_or(BAD)?;
        if m > 59 || h > 14 || (h == 14 && m != 0) {
            return Err("time zone out of range (-14:00 to +14:00)");
        }
        let minutes = i16::from(h) * 60 + i16::from(m);
        if minutes == 0 && sign < 0 {
            return Ok(Some(TzOffset {
                repr: TzRepr::MinusZero,
            }));
        }
        Ok(Some(TzOffset {
            repr: TzRepr::Offset(sign * minutes),
        }))
    }
}

pub(crate) fn push_year(out: &mut String, year: i32) {
    if year < 0 {
        out.push('-');
    }
    push_padded(out, u64::from(year.unsigned_abs()), 4);
}

fn push2(out: &mut String, v: u8) {
    out.push((b'0' + v / 10 % 10) as char);
    out.push((b'0' + v % 10) as char);
}

// ---------------------------------------------------------------------------------------
// TzOffset

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum TzRepr {
    Z,
    Offset(i16),
    MinusZero,
}

/// A time-zone offset: `Z`, or `±hh:mm` (`Z` and `+00:00` are kept distinct).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TzOffset {
    repr: TzRepr,
}

impl TzOffset {
    /// UTC written as `Z`.
    pub const Z: TzOffset = TzOffset { repr: TzRepr::Z };

    /// UTC written as `Z`.
    pub fn utc() -> Self {
        Self::Z
    }

    /// An offset of `minutes` east of UTC (-840 ..= 840), written `±hh:mm`
    /// (zero is written `+00:00`).
    pub fn from_minutes(minutes: i16) -> Result<Self, ValueError> {
        if !(-840..=840).contains(&minutes) {
            return Err(ValueError::new(format!(
                "time zone offset of {minutes} minutes is out of range (-14:00 to +14:00)"
            )));
        }
        Ok(TzOffset {
            repr: TzRepr::Offset(minutes),
        })
    }

    /// The offset in minutes east of UTC.
    pub fn minutes(self) -> i16 {
        match self.repr {
            TzRepr::Offset(m) => m,
            TzRepr::Z | TzRepr::MinusZero => 0,
        }
    }

    /// Whether this is written `Z`.
    pub fn is_z(self) -> bool {
        self.repr == TzRepr::Z
    }

    pub(crate) fn write(self, out: &mut String) {
        match self.repr {
            TzRepr::Z => out.push('Z'),
            TzRepr::MinusZero => out.push_str("-00:00"),
            TzRepr::Offset(m) => {
                out.push(if m < 0 { '-' } else { '+' });
                let a = m.unsigned_abs();
                push2(out, (a / 60) as u8);
                out.push(':');
                push2(out, (a % 60) as u8);
            }
        }
    }
}

impl fmt::Display for TzOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(6);
        self.write(&mut s);
        f.write_str(&s)
    }
}

fn write_tz(out: &mut String, tz: Option<TzOffset>) {
    if let Some(tz) = tz {
        tz.write(out);
    }
}

fn tz_minutes(tz: Option<TzOffset>) -> i64 {
    tz.map_or(0, |t| i64::from(t.minutes()))
}

// ---------------------------------------------------------------------------------------
// Date

/// `xs:date`: a calendar date with an optional time zone, e.g. `2026-02-28`, `2026-02-28Z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
    tz: Option<TzOffset>,
}

fn check_date(year: i32, month: u8, day: u8) -> Result<(), &'static str> {
    if !(1..=12).contains(&month) {
        return Err("month out of range (01 to 12)");
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err("no such day");
    }
    Ok(())
}

impl Date {
    /// A date without time zone; errors on an invalid month or day (leap years included).
    pub fn new(year: i32, month: u8, day: u8) -> Result<Self, ValueError> {
        check_date(year, month, day).map_err(|r| {
            ValueError::new(format!("invalid date {year:04}-{month:02}-{day:02}: {r}"))
        })?;
        Ok(Date {
            year,
            month,
            day,
            tz: None,
        })
    }

    /// The same date with the given time zone.
    pub fn with_tz(self, tz: Option<TzOffset>) -> Self {
        Date { tz, ..self }
    }

    /// The year (negative for BCE, XSD 1.1 numbering).
    pub fn year(&self) -> i32 {
        self.year
    }
    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }
    /// The day of the month, from 1.
    pub fn day(&self) -> u8 {
        self.day
    }
    /// The time zone, if any.
    pub fn tz(&self) -> Option<TzOffset> {
        self.tz
    }

    fn parse_parts(c: &mut Cursor<'_>) -> Result<(i32, u8, u8), &'static str> {
        const SHAPE: &str = "expected YYYY-MM-DD";
        let year = c.year()?;
        if !c.eat(b'-') {
            return Err(SHAPE);
        }
        let month = c.two().ok_or(SHAPE)?;
        if !c.eat(b'-') {
            return Err(SHAPE);
        }
        let day = c.two().ok_or(SHAPE)?;
        check_date(year, month, day)?;
        Ok((year, month, day))
    }

    fn write_parts(out: &mut String, year: i32, month: u8, day: u8) {
        push_year(out, year);
        out.push('-');
        push2(out, month);
        out.push('-');
        push2(out, day);
    }

    fn key(&self) -> (i32, u8, u8, Option<TzOffset>) {
        (self.year, self.month, self.day, self.tz)
    }
}

impl SimpleValue for Date {
    const NEEDS_ESCAPE: bool = false;
    fn from_text(s: &str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(trim(s));
        let r = (|| {
            let (year, month, day) = Self::parse_parts(&mut c)?;
            let tz = c.tz()?;
            if !c.at_end() {
                return Err("unexpected characters after the date");
            }
            Ok(Date {
                year,
                month,
                day,
                tz,
            })
        })();
        r.map_err(|reason| ValueError::invalid("xs:date", s, reason))
    }
    fn write_text(&self, out: &mut String) {
        Self::write_parts(out, self.year, self.month, self.day);
        write_tz(out, self.tz);
    }
}

/// Orders by year, month and day (then by time zone, so that the order is total and
/// consistent with `==`, which compares lexical forms).
impl Ord for Date {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}
impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

// ---------------------------------------------------------------------------------------
// Time

/// `xs:time`: a time of day with fractional seconds as written and an optional time zone,
/// e.g. `13:20:00`, `13:20:00.250+01:00`. `24:00:00` is allowed (XSD 1.0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Time {
    hour: u8,
    minute: u8,
    second: u8,
    frac_digits: u8,
    nanos: u32,
    tz: Option<TzOffset>,
}

fn check_time(hour: u8, minute: u8, second: u8, nanos: u32) -> Result<(), &'static str> {
    if hour > 24 {
        return Err("hour out of range (00 to 24)");
    }
    if minute > 59 {
        return Err("minute out of range (00 to 59)");
    }
    if second > 59 {
        return Err("second out of range (00 to 59)");
    }
    if nanos > 999_999_999 {
        return Err("nanoseconds out of range");
    }
    if hour == 24 && (minute != 0 || second != 0 || nanos != 0) {
        return Err("24:00:00 is the only time allowed with hour 24");
    }
    Ok(())
}

/// Minimal number of fraction digits that represent `nanos` exactly.
fn min_frac_digits(nanos: u32) -> u8 {
    if nanos == 0 {
        return 0;
    }
    let mut n = nanos;
    let mut digits = 9;
    while n % 10 == 0 {
        n /= 10;
        digits -= 1;
    }
    digits
}

/// Parses `hh:mm:ss(.fff)?` into (hour, minute, second, nanos, frac_digits).
fn parse_time_parts(c: &mut Cursor<'_>) -> Result<(u8, u8, u8, u32, u8), &'static str> {
    const SHAPE: &str = "expected hh:mm:ss with optional fraction";
    let hour = c.two().ok_or(SHAPE)?;
    if !c.eat(b':') {
        return Err(SHAPE);
    }
    let minute = c.two().ok_or(SHAPE)?;
    if !c.eat(b':') {
        return Err(SHAPE);
    }
    let second = c.two().ok_or(SHAPE)?;
    let mut nanos = 0u32;
    let mut frac_digits = 0u8;
    if c.eat(b'.') {
        let d = c.digits();
        if d.is_empty() {
            return Err("expected digits after the decimal point");
        }
        if d.len() > 255 {
            return Err("too many fraction digits");
        }
        for (k, &x) in d.iter().enumerate() {
            if k < 9 {
                nanos = nanos * 10 + u32::from(x - b'0');
            } else if x != b'0' {
                return Err("more than 9 fractional second digits (nanosecond precision)");
            }
        }
        for _ in d.len()..9 {
            nanos *= 10;
        }
        frac_digits = d.len() as u8;
    }
    check_time(hour, minute, second, nanos)?;
    Ok((hour, minute, second, nanos, frac_digits))
}

fn write_time_parts(out: &mut String, h: u8, m: u8, s: u8, nanos: u32, frac_digits: u8) {
    push2(out, h);
    out.push(':');
    push2(out, m);
    out.push(':');
    push2(out, s);
    if frac_digits > 0 {
        out.push('.');
        let mut buf = [b'0'; 9];
        let mut n = nanos;
        for slot in buf.iter_mut().rev() {
            *slot = b'0' + (n % 10) as u8;
            n /= 10;
        }
        let shown = usize::from(frac_digits).min(9);
        for &b in &buf[..shown] {
            out.push(b as char);
        }
        for _ in 9..frac_digits {
            out.push('0');
        }
    }
}

impl Time {
    /// A time without time zone written with the minimal number of fraction digits.
    pub fn new(
        hour: u8,
        minute: u8,
        second: u8,
        nanos: u32,
        tz: Option<TzOffset>,
    ) -> Result<Self, ValueError> {
        check_time(hour, minute, second, nanos).map_err(|r| {
            ValueError::new(format!(
                "invalid time {hour:02}:{minute:02}:{second:02}: {r}"
            ))
        })?;
        Ok(Time {
            hour,
            minute,
            second,
            frac_digits: min_frac_digits(nanos),
            nanos,
            tz,
        })
    }

    /// The same time written with `digits` fraction digits (errors if that would drop
    /// non-zero digits).
    pub fn with_fraction_digits(self, digits: u8) -> Result<Self, ValueError> {
        if digits < min_frac_digits(self.nanos) {
            return Err(ValueError::new(format!(
                "{digits} fraction digits cannot represent {} nanoseconds",
                self.nanos
            )));
        }
        Ok(Time {
            frac_digits: digits,
            ..self
        })
    }

    /// The hour, 0 to 24.
    pub fn hour(&self) -> u8 {
        self.hour
    }
    /// The minute, 0 to 59.
    pub fn minute(&self) -> u8 {
        self.minute
    }
    /// The whole seconds, 0 to 59.
    pub fn second(&self) -> u8 {
        self.second
    }
    /// The fractional second in nanoseconds.
    pub fn nanos(&self) -> u32 {
        self.nanos
    }
    /// How many fraction digits are written.
    pub fn fraction_digits(&self) -> u8 {
        self.frac_digits
    }
    /// The time zone, if any.
    pub fn tz(&self) -> Option<TzOffset> {
        self.tz
    }

    /// Seconds since midnight (UTC when a time zone is present; 24:00:00 counts as 00:00:00).
    fn value_secs(&self) -> i64 {
        let h = i64::from(self.hour % 24);
        let s = h * 3600 + i64::from(self.minute) * 60 + i64::from(self.second);
        (s - tz_minutes(self.tz) * 60).rem_euclid(86_400)
    }
}

impl SimpleValue for Time {
    const NEEDS_ESCAPE: bool = false;
    fn from_text(s: &str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(trim(s));
        let r = (|| {
            let (hour, minute, second, nanos, frac_digits) = parse_time_parts(&mut c)?;
            let tz = c.tz()?;
            if !c.at_end() {
                return Err("unexpected characters after the time");
            }
            Ok(Time {
                hour,
                minute,
                second,
                frac_digits,
                nanos,
                tz,
            })
        })();
        r.map_err(|reason| ValueError::invalid("xs:time", s, reason))
    }
    fn write_text(&self, out: &mut String) {
        write_time_parts(
            out,
            self.hour,
            self.minute,
            self.second,
            self.nanos,
            self.frac_digits,
        );
        write_tz(out, self.tz);
    }
}

/// Orders by the time of day (normalised to UTC when a time zone is present; times without
/// a zone are compared as if UTC), then by lexical details so the order is total and
/// consistent with `==`.
impl Ord for Time {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.value_secs(), self.nanos)
            .cmp(&(other.value_secs(), other.nanos))
            .then_with(|| {
                (
                    self.hour,
                    self.minute,
                    self.second,
                    self.frac_digits,
                    self.tz,
                )
                    .cmp(&(
                        other.hour,
                        other.minute,
                        other.second,
                        other.frac_digits,
                        other.tz,
                    ))
            })
    }
}
impl PartialOrd for Time {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

// ---------------------------------------------------------------------------------------
// DateTime

/// `xs:dateTime`, e.g. `2026-02-28T13:20:00.250Z`; fraction digits and the time-zone form
/// are kept as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTime {
    year: i32,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    frac_digits: u8,
    nanos: u32,
    tz: Option<TzOffset>,
}

impl DateTime {
    /// A date-time from a date (its own time zone is ignored), a time of day and a zone;
    /// written with the minimal number of fraction digits.
    pub fn new(
        date: Date,
        hour: u8,
        minute: u8,
        second: u8,
        nanos: u32,
        tz: Option<TzOffset>,
    ) -> Result<Self, ValueError> {
        let t = Time::new(hour, minute, second, nanos, tz)?;
        Ok(Self::from_parts(date, t))
    }

    /// Combines a date and a time (the time's zone is used, the date's is ignored).
    pub fn from_parts(date: Date, time: Time) -> Self {
        DateTime {
            year: date.year,
            month: date.month,
            day: date.day,
            hour: time.hour,
            minute: time.minute,
            second: time.second,
            frac_digits: time.frac_digits,
            nanos: time.nanos,
            tz: time.tz,
        }
    }

    /// The UTC date-time (written with `Z`) `secs` seconds and `nanos` nanoseconds after
    /// 1970-01-01T00:00:00Z.
    pub fn from_unix_timestamp(secs: i64, nanos: u32) -> Result<Self, ValueError> {
        if nanos > 999_999_999 {
            return Err(ValueError::new("nanoseconds out of range"));
        }
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let year = i32::try_from(y).map_err(|_| ValueError::new("timestamp out of range"))?;
        Ok(DateTime {
            year,
            month: m,
            day: d,
            hour: (rem / 3600) as u8,
            minute: (rem / 60 % 60) as u8,
            second: (rem % 60) as u8,
            frac_digits: min_frac_digits(nanos),
            nanos,
            tz: Some(TzOffset::Z),
        })
    }

    /// The current time in UTC (written with `Z`, millisecond precision).
    pub fn now_utc() -> Self {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let secs = i64::try_from(d.as_secs()).unwrap_or(0);
        let nanos = d.subsec_millis() * 1_000_000;
        Self::from_unix_timestamp(secs, nanos)
            .and_then(|t| t.with_fraction_digits(3))
            .unwrap_or(DateTime {
                year: 1970,
                month: 1,
                day: 1,
                hour: 0,
                minute: 0,
                second: 0,
                frac_digits: 0,
                nanos: 0,
                tz: Some(TzOffset::Z),
            })
    }

    /// Seconds since 1970-01-01T00:00:00Z, or `None` without a time zone.
    pub fn unix_timestamp(&self) -> Option<i64> {
        self.tz.map(|_| self.instant_secs())
    }

    /// The same value written with `digits` fraction digits (errors if that would drop
    /// non-zero digits).
    pub fn with_fraction_digits(self, digits: u8) -> Result<Self, ValueError> {
        let t = self.time().with_fraction_digits(digits)?;
        Ok(DateTime {
            frac_digits: t.frac_digits,
            ..self
        })
    }

    /// The date part (with this value's time zone).
    pub fn date(&self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: self.day,
            tz: self.tz,
        }
    }
    /// The time part (with this value's time zone).
    pub fn time(&self) -> Time {
        Time {
            hour: self.hour,
            minute: self.minute,
            second: self.second,
            frac_digits: self.frac_digits,
            nanos: self.nanos,
            tz: self.tz,
        }
    }
    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }
    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }
    /// The day of the month.
    pub fn day(&self) -> u8 {
        self.day
    }
    /// The hour, 0 to 24.
    pub fn hour(&self) -> u8 {
        self.hour
    }
    /// The minute.
    pub fn minute(&self) -> u8 {
        self.minute
    }
    /// The whole seconds.
    pub fn second(&self) -> u8 {
        self.second
    }
    /// The fractional second in nanoseconds.
    pub fn nanos(&self) -> u32 {
        self.nanos
    }
    /// How many fraction digits are written.
    pub fn fraction_digits(&self) -> u8 {
        self.frac_digits
    }
    /// The time zone, if any.
    pub fn tz(&self) -> Option<TzOffset> {
        self.tz
    }

    /// Seconds since the epoch, treating a missing zone as UTC (24:00 is the next day).
    fn instant_secs(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - tz_minutes(self.tz) * 60
    }
}

impl SimpleValue for DateTime {
    const NEEDS_ESCAPE: bool = false;
    fn from_text(s: &str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(trim(s));
        let r = (|| {
            let (year, month, day) = Date::parse_parts(&mut c)?;
            if !c.eat(b'T') {
                return Err("expected 'T' between date and time");
            }
            let (hour, minute, second, nanos, frac_digits) = parse_time_parts(&mut c)?;
            let tz = c.tz()?;
            if !c.at_end() {
                return Err("unexpected characters after the time");
            }
            Ok(DateTime {
                year,
                month,
                day,
                hour,
                minute,
                second,
                frac_digits,
                nanos,
                tz,
            })
        })();
        r.map_err(|reason| ValueError::invalid("xs:dateTime", s, reason))
    }
    fn write_text(&self, out: &mut String) {
        Date::write_parts(out, self.year, self.month, self.day);
        out.push('T');
        write_time_parts(
            out,
            self.hour,
            self.minute,
            self.second,
            self.nanos,
            self.frac_digits,
        );
        write_tz(out, self.tz);
    }
}

/// Orders by instant (values without a time zone are compared as if UTC), then by lexical
/// details so the order is total and consistent with `==`.
impl Ord for DateTime {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.instant_secs(), self.nanos)
            .cmp(&(other.instant_secs(), other.nanos))
            .then_with(|| {
                (
                    self.year,
                    self.month,
                    self.day,
                    self.hour,
                    self.frac_digits,
                    self.tz,
                )
                    .cmp(&(
                        other.year,
                        other.month,
                        other.day,
                        other.hour,
                        other.frac_digits,
                        other.tz,
                    ))
            })
    }
}
impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

macro_rules! display_fromstr {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut s = String::with_capacity(32);
                self.write_text(&mut s);
                f.write_str(&s)
            }
        }
        impl FromStr for $t {
            type Err = ValueError;
            fn from_str(s: &str) -> Result<Self, ValueError> {
                <$t as SimpleValue>::from_text(s)
            }
        }
    )*};
}

display_fromstr!(Date, Time, DateTime);
