//! Value types: lexical round trips and errors.

use std::borrow::Cow;
use tandvard_runtime::CompactString;
use tandvard_runtime::{
    Date, DateTime, Decimal, Duration, GDay, GMonth, GMonthDay, GYear, GYearMonth, HexBinary,
    SimpleValue, Time, TzOffset,
};

fn rt<T: SimpleValue>(s: &str) -> String {
    match T::from_text(s) {
        Ok(v) => v.to_text(),
        Err(e) => panic!("{s:?} should parse: {e}"),
    }
}

fn err<T: SimpleValue + std::fmt::Debug>(s: &str) -> String {
    match T::from_text(s) {
        Ok(v) => panic!("{s:?} should not parse, got {v:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn strings_keep_whitespace() {
    assert_eq!(rt::<String>("  a \n b  "), "  a \n b  ");
    assert_eq!(rt::<String>(""), "");
    assert_eq!(rt::<CompactString>("  a \n b  "), "  a \n b  ");
    assert_eq!(rt::<CompactString>(""), "");
}

#[test]
fn generated_strings_are_inline_up_to_24_bytes() {
    // The string type of generated code: short values (most codes and identifiers) take
    // no heap allocation, whether the reader lends the text or had to unescape it.
    let short = "191212121212 Tolvan Tolv"; // 24 bytes
    let long = "Tandvårdsstöd via journalsystem";
    for v in [
        CompactString::from_text(short).unwrap(),
        CompactString::from_cow(Cow::Borrowed(short)).unwrap(),
        CompactString::from_cow(Cow::Owned(short.to_string())).unwrap(),
    ] {
        assert_eq!(v, short);
        assert!(!v.is_heap_allocated(), "{short:?} should be inline");
    }
    for v in [
        CompactString::from_text(long).unwrap(),
        CompactString::from_cow(Cow::Owned(long.to_string())).unwrap(),
    ] {
        assert_eq!(v, long);
        assert!(v.is_heap_allocated());
        assert_eq!(v.to_text(), long);
    }
    // What vendor code does with it: compare with &str, convert to and from String.
    let s: String = CompactString::from_text("ok").unwrap().into();
    assert_eq!(s, "ok");
    assert_eq!(CompactString::from(s.clone()), s.as_str());
}

#[test]
fn booleans() {
    assert!(bool::from_text("true").unwrap());
    assert!(bool::from_text(" 1 ").unwrap());
    assert!(!bool::from_text("false").unwrap());
    assert!(!bool::from_text("0").unwrap());
    assert_eq!(rt::<bool>("1"), "true");
    assert!(err::<bool>("TRUE").contains("invalid xs:boolean \"TRUE\""));
    err::<bool>("yes");
}

#[test]
fn integers() {
    assert_eq!(i32::from_text("+7").unwrap(), 7);
    assert_eq!(i32::from_text(" \n42\t").unwrap(), 42);
    assert_eq!(i32::from_text("-2147483648").unwrap(), i32::MIN);
    assert_eq!(i64::from_text("-9223372036854775808").unwrap(), i64::MIN);
    assert_eq!(u64::from_text("18446744073709551615").unwrap(), u64::MAX);
    assert_eq!(u32::from_text("-0").unwrap(), 0);
    assert_eq!(i8::from_text("007").unwrap(), 7);
    assert_eq!(rt::<i16>("-0032"), "-32");
    assert_eq!(rt::<i64>("-9223372036854775808"), "-9223372036854775808");
    assert_eq!(rt::<u8>("255"), "255");
    assert!(err::<i8>("128").contains("out of range (-128 to 127)"));
    assert!(err::<u8>("-1").contains("out of range"));
    err::<u64>("18446744073709551616");
    err::<i64>("99999999999999999999999999999999999999999999999");
    assert!(err::<i32>("1.0").contains("not an integer"));
    err::<i32>("");
    err::<i32>("+");
    err::<i32>("1 2");
    err::<i32>("0x10");
}

#[test]
fn floats() {
    assert_eq!(f64::from_text("INF").unwrap(), f64::INFINITY);
    assert_eq!(f64::from_text("-INF").unwrap(), f64::NEG_INFINITY);
    assert!(f64::from_text("NaN").unwrap().is_nan());
    assert_eq!(f64::from_text("1e3").unwrap(), 1000.0);
    assert_eq!(f64::from_text(" 1.5E-2 ").unwrap(), 0.015);
    assert_eq!(f64::from_text(".5").unwrap(), 0.5);
    assert_eq!(f64::from_text("5.").unwrap(), 5.0);
    assert_eq!(f32::from_text("-0.25").unwrap(), -0.25);
    for bad in [
        "inf", "Infinity", "nan", "1e", "e5", "1.2.3", "", "+-1", "0x1p3",
    ] {
        err::<f64>(bad);
    }
    assert_eq!(rt::<f64>("INF"), "INF");
    assert_eq!(rt::<f64>("-INF"), "-INF");
    assert_eq!(rt::<f64>("NaN"), "NaN");
    assert_eq!(rt::<f64>("1e300"), "1e300");
    assert_eq!(rt::<f64>("0.1"), "0.1");
    assert_eq!(rt::<f32>("3.5"), "3.5");
    for s in ["1.7976931348623157e308", "5e-324", "123456.789"] {
        let v = f64::from_text(s).unwrap();
        assert_eq!(f64::from_text(&v.to_text()).unwrap(), v);
    }
}

#[test]
fn decimals_keep_scale_and_never_round() {
    assert_eq!(rt::<Decimal>("12.50"), "12.50");
    assert_eq!(rt::<Decimal>("+1.0"), "1.0");
    assert_eq!(rt::<Decimal>("-0.001"), "-0.001");
    assert_eq!(rt::<Decimal>(".5"), "0.5");
    assert_eq!(rt::<Decimal>("5."), "5");
    assert_eq!(rt::<Decimal>(" 007.10 "), "7.10");
    assert_eq!(rt::<Decimal>("0"), "0");
    assert_eq!(
        rt::<Decimal>("79228162514264337593543950335"),
        "79228162514264337593543950335"
    );
    assert_eq!(
        rt::<Decimal>("0.0000000000000000000000000001"),
        "0.0000000000000000000000000001"
    );
    // Trailing zeros beyond what fits are dropped (value preserved), never rounding.
    assert_eq!(
        Decimal::from_text("1.00000000000000000000000000000000").unwrap(),
        Decimal::ONE
    );
    assert!(
        err::<Decimal>("79228162514264337593543950336").contains("too many significant digits")
    );
    assert!(err::<Decimal>("0.00000000000000000000000000001").contains("28 fraction digits"));
    assert!(err::<Decimal>("1.00000000000000000000000000001").contains("xs:decimal"));
    assert!(err::<Decimal>("1e5").contains("exponent"));
    for bad in ["", ".", "-", "12,5", "1_000", "NaN", "INF", "1.2.3", "- 1"] {
        err::<Decimal>(bad);
    }
}

#[test]
fn base64_and_hex() {
    assert_eq!(Vec::<u8>::from_text("SGVsbG8=").unwrap(), b"Hello");
    assert_eq!(Vec::<u8>::from_text(" SGVs\n bG8= \n").unwrap(), b"Hello");
    assert_eq!(Vec::<u8>::from_text("").unwrap(), b"");
    assert_eq!(b"Hello".to_vec().to_text(), "SGVsbG8=");
    let big = vec![0xABu8; 1000];
    let text = big.to_text();
    assert!(!text.contains('\n'));
    assert_eq!(Vec::<u8>::from_text(&text).unwrap(), big);
    assert!(err::<Vec<u8>>("SGVsbG8").contains("xs:base64Binary"));
    err::<Vec<u8>>("SGV*bG8=");

    assert_eq!(
        HexBinary::from_text("0fA0").unwrap(),
        HexBinary(vec![0x0f, 0xa0])
    );
    assert_eq!(rt::<HexBinary>("0fa0"), "0FA0");
    assert_eq!(rt::<HexBinary>(""), "");
    assert!(err::<HexBinary>("abc").contains("odd number"));
    err::<HexBinary>("zz");
}

#[test]
fn dates() {
    for s in [
        "2026-02-28",
        "2024-02-29",
        "2000-02-29",
        "2026-02-28Z",
        "2026-02-28+01:00",
        "2026-02-28-14:00",
        "2026-02-28+00:00",
        "2026-02-28-00:00",
        "-0044-03-15",
        "12345-01-01",
        "0001-01-01",
    ] {
        assert_eq!(rt::<Date>(s), s);
        assert_eq!(s.parse::<Date>().unwrap().to_string(), s);
    }
    assert_eq!(
        err::<Date>("2026-02-30"),
        "invalid xs:date \"2026-02-30\": no such day"
    );
    assert!(err::<Date>("2023-02-29").contains("no such day"));
    assert!(err::<Date>("1900-02-29").contains("no such day"));
    assert!(err::<Date>("2026-13-01").contains("month"));
    assert!(err::<Date>("02026-01-01").contains("cannot start with 0"));
    for bad in [
        "26-01-01",
        "2026-1-01",
        "2026-01-1",
        "2026/01/01",
        "2026-01-01+15:00",
        "2026-01-01+01",
        "2026-01-01T00:00:00",
        "2026-01-01 ",
    ] {
        if bad.ends_with(' ') {
            // Surrounding whitespace is collapsed away.
            assert!(Date::from_text(bad).is_ok());
        } else {
            err::<Date>(bad);
        }
    }
    let d = Date::new(2026, 2, 28).unwrap();
    assert_eq!((d.year(), d.month(), d.day(), d.tz()), (2026, 2, 28, None));
    assert!(Date::new(2026, 2, 29).is_err());
    assert_eq!(
        d.with_tz(Some(TzOffset::from_minutes(-330).unwrap()))
            .to_string(),
        "2026-02-28-05:30"
    );
    assert!(Date::new(2026, 1, 31).unwrap() > Date::new(2025, 12, 31).unwrap());
    // Z and +00:00 stay distinct.
    assert_ne!(
        Date::from_text("2026-01-01Z").unwrap(),
        Date::from_text("2026-01-01+00:00").unwrap()
    );
}

#[test]
fn times() {
    for s in [
        "13:20:00",
        "13:20:00.5",
        "13:20:00.250",
        "13:20:00.000",
        "24:00:00",
        "00:00:00Z",
        "13:20:00.123456789-05:30",
        "13:20:00.1230000000000",
        "23:59:59+14:00",
    ] {
        assert_eq!(rt::<Time>(s), s);
    }
    assert!(err::<Time>("24:00:01").contains("24:00:00"));
    assert!(err::<Time>("13:60:00").contains("minute"));
    assert!(err::<Time>("13:20:60").contains("second"));
    assert!(err::<Time>("13:20:00.1234567891").contains("9 fractional"));
    err::<Time>("13:20");
    err::<Time>("1:20:00");
    err::<Time>("13:20:00.");
    let t = Time::new(9, 5, 7, 250_000_000, Some(TzOffset::Z)).unwrap();
    assert_eq!(t.to_string(), "09:05:07.25Z");
    assert_eq!(
        t.with_fraction_digits(3).unwrap().to_string(),
        "09:05:07.250Z"
    );
    assert!(t.with_fraction_digits(1).is_err());
    assert!(Time::new(24, 0, 1, 0, None).is_err());
    // Ordering by value: 13:00+01:00 is 12:00Z.
    let a = Time::from_text("13:00:00+01:00").unwrap();
    let b = Time::from_text("12:30:00Z").unwrap();
    assert!(a < b);
}

#[test]
fn date_times() {
    for s in [
        "2026-02-28T13:20:00Z",
        "2026-02-28T13:20:00+00:00",
        "2026-02-28T13:20:00.100",
        "2026-02-28T24:00:00",
        "-0001-12-31T23:59:59.999999999-12:00",
    ] {
        assert_eq!(rt::<DateTime>(s), s);
        assert_eq!(s.parse::<DateTime>().unwrap().to_string(), s);
    }
    assert!(err::<DateTime>("2026-02-28 13:20:00").contains("'T'"));
    assert!(err::<DateTime>("2026-02-30T13:20:00").contains("no such day"));
    err::<DateTime>("2026-02-28T13:20:00ZZ");

    let z = DateTime::from_text("2026-02-28T13:20:00Z").unwrap();
    let p = DateTime::from_text("2026-02-28T13:20:00+00:00").unwrap();
    assert_ne!(z, p);
    assert_ne!(z.cmp(&p), std::cmp::Ordering::Equal);
    let earlier = DateTime::from_text("2026-02-28T13:00:00+01:00").unwrap();
    assert!(earlier < DateTime::from_text("2026-02-28T12:30:00Z").unwrap());
    let midnight = DateTime::from_text("2026-02-28T24:00:00Z").unwrap();
    let next = DateTime::from_text("2026-03-01T00:00:00Z").unwrap();
    assert_eq!(midnight.unix_timestamp(), next.unix_timestamp());
    assert_ne!(midnight, next);

    let epoch = DateTime::from_unix_timestamp(0, 0).unwrap();
    assert_eq!(epoch.to_string(), "1970-01-01T00:00:00Z");
    for secs in [
        -86_401i64,
        951_782_400,
        1_772_284_800,
        4_102_444_800,
        -62_135_596_800,
    ] {
        let t = DateTime::from_unix_timestamp(secs, 5_000).unwrap();
        assert_eq!(t.unix_timestamp(), Some(secs));
        let back = DateTime::from_text(&t.to_string()).unwrap();
        assert_eq!(back, t);
    }
    assert_eq!(
        DateTime::from_unix_timestamp(951_782_400, 0)
            .unwrap()
            .to_string(),
        "2000-02-29T00:00:00Z"
    );
    let d = DateTime::new(
        Date::new(2026, 2, 28).unwrap(),
        7,
        8,
        9,
        10_000_000,
        Some(TzOffset::from_minutes(60).unwrap()),
    )
    .unwrap();
    assert_eq!(d.to_string(), "2026-02-28T07:08:09.01+01:00");
    assert_eq!(d.date().to_string(), "2026-02-28+01:00");
    assert_eq!(d.time().to_string(), "07:08:09.01+01:00");
    assert!(DateTime::now_utc().unix_timestamp().is_some());
    assert!(TzOffset::from_minutes(900).is_err());
}

#[test]
fn durations_and_gregorian() {
    for s in [
        "P1Y2M3DT4H5M6.7S",
        "-PT30M",
        "P0D",
        "PT0.5S",
        "P1M",
        "PT1M",
        "P1DT1S",
    ] {
        assert_eq!(rt::<Duration>(s), s);
    }
    for bad in [
        "P", "PT", "P1H", "1Y", "P1.5Y", "P1M1Y", "P1YT", "P-1Y", "PT1S2M", "P1Y1Y",
    ] {
        assert!(err::<Duration>(bad).contains("xs:duration"), "{bad}");
    }
    assert_eq!(rt::<GYear>("2026"), "2026");
    assert_eq!(rt::<GYear>("-0044Z"), "-0044Z");
    err::<GYear>("26");
    assert_eq!(rt::<GYearMonth>("2026-02+01:00"), "2026-02+01:00");
    err::<GYearMonth>("2026-13");
    assert_eq!(rt::<GMonth>("--02"), "--02");
    err::<GMonth>("-02");
    assert_eq!(rt::<GDay>("---31"), "---31");
    err::<GDay>("---32");
    assert_eq!(rt::<GMonthDay>("--02-29"), "--02-29");
    assert!(err::<GMonthDay>("--04-31").contains("no such day"));
    assert_eq!(GYear::new(" 2026 ").unwrap().as_str(), "2026");
}

#[test]
fn decimal_lexical_forms_are_written_exactly() {
    use tandvard_runtime::{Decimal, SimpleValue};
    for s in [
        "0",
        "0.00",
        "12.50",
        "-12.50",
        "0.05",
        "-0.005",
        "1234567890123456.10",
        "79228162514264337593543950335",
        "-7922816251426433759354395033.5",
        "100",
        "0.0000001",
    ] {
        let d = Decimal::from_text(s).unwrap();
        assert_eq!(d.to_text(), s, "decimal {s}");
        assert_eq!(
            d.to_text(),
            d.to_string(),
            "same as rust_decimal's Display for {s}"
        );
    }
}
