//! Facet checks and XSD pattern translation.

use std::sync::LazyLock;

use tandvard_runtime::facets::{self, ListLen};
use tandvard_runtime::{Decimal, Regex, SimpleValue, ValueError, xsd_pattern_to_regex};

fn re(p: &str) -> Regex {
    let t = xsd_pattern_to_regex(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    Regex::new(&t).unwrap_or_else(|e| panic!("{p} -> {t}: {e}"))
}

fn dec(s: &str) -> Decimal {
    Decimal::from_text(s).unwrap()
}

#[test]
fn length_facets_count_characters() {
    assert!(facets::length("åäö", 3).is_ok());
    assert!(facets::length("åäö", 6).is_err());
    assert!(facets::min_length("ab", 2).is_ok());
    assert_eq!(
        facets::min_length("ab", 3).unwrap_err().to_string(),
        "\"ab\" has length 2, at least 3 characters required"
    );
    assert_eq!(
        facets::max_length(&"😀😀😀".to_string(), 2)
            .unwrap_err()
            .to_string(),
        "\"😀😀😀\" has length 3, at most 2 characters allowed"
    );
    assert!(facets::max_length(&"😀😀".to_string(), 2).is_ok());
    assert!(facets::length(&vec![1u8, 2, 3], 3).is_ok());
    assert!(
        facets::max_length(&vec![0u8; 5], 4)
            .unwrap_err()
            .to_string()
            .contains("5, at most 4 octets")
    );
    assert!(facets::min_length(&ListLen(&[1, 2]), 3).is_err());
}

static CODE: LazyLock<Regex> = LazyLock::new(|| re("[0-9]{8}-[0-9]{4}"));

#[test]
fn pattern_facet() {
    assert!(facets::pattern("20260228-1234", &CODE, "[0-9]{8}-[0-9]{4}").is_ok());
    assert_eq!(
        facets::pattern("abc", &CODE, "[0-9]{8}-[0-9]{4}")
            .unwrap_err()
            .to_string(),
        "\"abc\" does not match pattern [0-9]{8}-[0-9]{4}"
    );
    // Implicit anchoring.
    assert!(facets::pattern("x20260228-1234", &CODE, "").is_err());
    static A: LazyLock<Regex> = LazyLock::new(|| re("a+"));
    static B: LazyLock<Regex> = LazyLock::new(|| re("b+"));
    assert!(facets::pattern_any("bb", &[(&A, "a+"), (&B, "b+")]).is_ok());
    assert!(facets::pattern_any("c", &[(&A, "a+"), (&B, "b+")]).is_err());
}

#[test]
fn bound_and_digit_facets() {
    assert!(facets::min_inclusive(&5, &5).is_ok());
    assert_eq!(
        facets::min_inclusive(&4, &5).unwrap_err().to_string(),
        "4 is less than the minimum 5 (minInclusive)"
    );
    assert!(facets::max_inclusive(&dec("10.00"), &dec("10")).is_ok());
    assert!(facets::max_inclusive(&dec("10.01"), &dec("10")).is_err());
    assert!(facets::min_exclusive(&dec("0"), &dec("0")).is_err());
    assert!(facets::min_exclusive(&dec("0.01"), &dec("0")).is_ok());
    assert!(
        facets::max_exclusive(&100u32, &100)
            .unwrap_err()
            .to_string()
            .contains("maxExclusive")
    );
    assert!(facets::min_inclusive("b", "a").is_ok());

    assert_eq!(
        facets::fraction_digits(&dec("12.345"), 2)
            .unwrap_err()
            .to_string(),
        "\"12.345\" has 3 fraction digits, at most 2 allowed"
    );
    // Value space: trailing zeros do not count.
    assert!(facets::fraction_digits(&dec("12.50"), 1).is_ok());
    assert!(facets::total_digits(&dec("123.450"), 5).is_ok());
    assert!(facets::total_digits(&dec("0.05"), 2).is_ok());
    assert!(facets::total_digits(&dec("0.005"), 2).is_err());
    assert_eq!(
        facets::total_digits(&123456i64, 5).unwrap_err().to_string(),
        "\"123456\" has 6 total digits, at most 5 allowed"
    );
    assert!(facets::total_digits(&-99999i32, 5).is_ok());
    assert!(facets::fraction_digits(&7u8, 0).is_ok());
    assert!(facets::enumeration("b", &["a", "b"]).is_ok());
    assert!(facets::enumeration("c", &["a", "b"]).is_err());
}

#[test]
fn generated_newtype_shape() {
    pub struct AmountType(Decimal);
    static MIN: Decimal = Decimal::ZERO;
    impl AmountType {
        pub fn new(v: Decimal) -> Result<Self, ValueError> {
            facets::fraction_digits(&v, 2)?;
            facets::min_inclusive(&v, &MIN)?;
            Ok(Self(v))
        }
    }
    impl SimpleValue for AmountType {
        const NEEDS_ESCAPE: bool = false;
        fn from_text(s: &str) -> Result<Self, ValueError> {
            Self::new(Decimal::from_text(s)?)
        }
        fn write_text(&self, out: &mut String) {
            self.0.write_text(out)
        }
    }
    assert_eq!(AmountType::from_text("12.50").unwrap().to_text(), "12.50");
    assert!(AmountType::from_text("12.345").is_err());
    assert!(AmountType::from_text("-1").is_err());
}

#[test]
fn pattern_translation() {
    assert_eq!(xsd_pattern_to_regex("abc").unwrap(), "^(?:abc)$");
    assert_eq!(xsd_pattern_to_regex("a|b").unwrap(), "^(?:a|b)$");
    assert_eq!(xsd_pattern_to_regex("(a)").unwrap(), "^(?:(?:a))$");

    let ncname = re(r"[\i-[:]][\c-[:]]*");
    assert!(ncname.is_match("abc-1.x"));
    assert!(ncname.is_match("Ärende_1"));
    assert!(!ncname.is_match(":abc"));
    assert!(!ncname.is_match("a:b"));
    assert!(!ncname.is_match("1abc"));

    let digits = re(r"\d{3}");
    assert!(digits.is_match("123"));
    assert!(digits.is_match("١٢٣"));
    assert!(!digits.is_match("12a"));

    let consonants = re("[a-z-[aeiou]]+");
    assert!(consonants.is_match("bcd"));
    assert!(!consonants.is_match("bad"));
    let nested = re("[a-z-[b-y-[c]]]+");
    assert!(nested.is_match("acz"));
    assert!(!nested.is_match("ab"));

    let latin = re(r"\p{IsBasicLatin}+");
    assert!(latin.is_match("Hello ~"));
    assert!(!latin.is_match("Hé"));
    let both = re(r"[\p{IsBasicLatin}\p{IsLatin-1Supplement}]{1,5}");
    assert!(both.is_match("Hé"));
    assert!(!both.is_match("Ħ"));
    assert!(re(r"\P{IsBasicLatin}").is_match("é"));
    assert!(re(r"\p{Lu}\p{Ll}+").is_match("Åsa"));

    let anchors = re("a^b$");
    assert!(anchors.is_match("a^b$"));
    assert!(!anchors.is_match("ab"));

    let dot = re("a.c");
    assert!(dot.is_match("abc"));
    assert!(!dot.is_match("a\nc"));
    assert!(!dot.is_match("a\rc"));

    let space = re(r"a\sb");
    assert!(space.is_match("a b"));
    assert!(space.is_match("a\tb"));
    assert!(!space.is_match("a\u{a0}b"));
    assert!(re(r"\S+").is_match("a\u{a0}b"));

    let word = re(r"\w+");
    assert!(word.is_match("abc123Å"));
    assert!(
        word.is_match("a+b"),
        "+ is a symbol (Sm), not punctuation: \\w matches it"
    );
    assert!(!word.is_match("a!b"));
    assert!(!word.is_match("a b"));
    assert!(re(r"\W").is_match("!"));

    let neg = re("[^a-z^]");
    assert!(neg.is_match("A"));
    assert!(!neg.is_match("^"));
    let dash = re("[-+]?[0-9]+");
    assert!(dash.is_match("-12"));
    let range = re("[A-Za-z0-9.:+-/)(]{0,3}");
    assert!(range.is_match(",/("));
    assert!(re(r"[\-\[\]]+").is_match("-[]"));
    assert!(re(r"a&b#c~d").is_match("a&b#c~d"));
    assert!(re(r"\\c").is_match("\\c"));
    assert!(re(r"\p{IsHighSurrogates}?").is_match(""));
    assert!(re("x{2,}").is_match("xxx"));
    // Lenient: a '-' after a class escape is a literal.
    assert!(re(r"[\d-z]+").is_match("1-z"));

    for bad in [
        "[z-a]",
        "(abc",
        "abc)",
        r"\q",
        r"\p{IsNoSuchBlock}",
        r"\p{Xx}",
        "[abc",
        "a{2,1}",
        "a{x}",
        "*a",
        "ab\\",
    ] {
        assert!(
            xsd_pattern_to_regex(bad).is_err(),
            "{bad} should be rejected"
        );
    }
}
