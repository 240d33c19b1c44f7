//! `xs:list`: whitespace-separated items of a simple type.

use std::ops::{Deref, DerefMut};

use super::SimpleValue;
use super::whitespace;
use crate::error::ValueError;

/// The value of an `xs:list` type: items separated by whitespace in XML.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct XsList<T>(pub Vec<T>);

impl<T> Deref for XsList<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> DerefMut for XsList<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}

impl<T> From<Vec<T>> for XsList<T> {
    fn from(items: Vec<T>) -> Self {
        Self(items)
    }
}

impl<T: SimpleValue> SimpleValue for XsList<T> {
    const NEEDS_ESCAPE: bool = T::NEEDS_ESCAPE;

    fn from_text(s: &str) -> Result<Self, ValueError> {
        let collapsed = whitespace::collapse(s);
        if collapsed.is_empty() {
            return Ok(Self(Vec::new()));
        }
        collapsed
            .split(' ')
            .map(T::from_text)
            .collect::<Result<Vec<T>, _>>()
            .map(Self)
    }

    fn write_text(&self, out: &mut String) {
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            item.write_text(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_round_trip() {
        let l = XsList::<i32>::from_text("  1 2\n 3 ").unwrap();
        assert_eq!(l.0, vec![1, 2, 3]);
        assert_eq!(l.to_text(), "1 2 3");
        assert!(XsList::<i32>::from_text("1 x").is_err());
        assert!(XsList::<i32>::from_text("").unwrap().is_empty());
    }
}
