//! How text typed by people is compared: identifiers after NFKC (full-width `１２Ｘ` are the
//! digits and letter they look like), and names by a key that ignores case and spacing the way
//! people write them (`张 三`, `张　三` and `张三` are one name; `Huawei  Technologies` and
//! `huawei technologies` are one name).
use unicode_normalization::UnicodeNormalization;

/// `input` in Unicode normalisation form KC, trimmed: full-width digits and letters become
/// ASCII, the ideographic space a space, compatibility characters their plain form.
pub fn nfkc(input: &str) -> String {
    input.nfkc().collect::<String>().trim().to_owned()
}

/// Whether `c` is written without spaces between words: Han ideographs, kana, Hangul.
fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x3040..=0x30FF        // Hiragana, Katakana
        | 0x3400..=0x4DBF      // CJK Extension A
        | 0x4E00..=0x9FFF      // CJK Unified Ideographs
        | 0xAC00..=0xD7AF      // Hangul syllables
        | 0xF900..=0xFAFF      // CJK Compatibility Ideographs
        | 0x20000..=0x3134F    // CJK Extensions B–G
    )
}

/// The separators written inside transliterated names (阿不都·热合曼): one form for all.
fn is_name_dot(c: char) -> bool {
    matches!(
        c,
        '\u{00B7}' | '\u{2022}' | '\u{2027}' | '\u{30FB}' | '\u{FF65}' | '\u{2219}'
    )
}

/// The form in which two names are the same name: NFKC, lower case, one kind of middle dot;
/// a name with CJK characters without any whitespace (spaces in 张 三 are layout, not part of
/// the name), any other name with its words separated by one space.
pub fn name_key(name: &str) -> String {
    let folded = fold(name);
    if folded.chars().any(is_cjk) {
        folded.chars().filter(|c| *c != ' ').collect()
    } else {
        folded
    }
}

/// `text` as words compare: NFKC, lower case, one kind of middle dot, words separated by one
/// space. [`name_key`] is this, without the spaces when the text has CJK characters.
pub fn fold(text: &str) -> String {
    let folded: String = nfkc(text)
        .to_lowercase()
        .chars()
        .map(|c| if is_name_dot(c) { '·' } else { c })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_and_letters_are_ascii_after_nfkc() {
        assert_eq!(
            nfkc(" １１０１０５１９４９１２３１００２Ｘ "),
            "11010519491231002X"
        );
        assert_eq!(nfkc("ｚｌ２００８"), "zl2008");
    }

    #[test]
    fn chinese_names_ignore_every_kind_of_space() {
        for written in ["张三", "张 三", "张\u{3000}三", " 张  三 ", "张\t三"] {
            assert_eq!(name_key(written), "张三", "{written:?}");
        }
        assert_ne!(name_key("张三"), name_key("张三丰"));
    }

    #[test]
    fn latin_names_ignore_case_and_repeated_spaces_but_keep_word_breaks() {
        assert_eq!(name_key("  Huawei   Technologies "), "huawei technologies");
        assert_eq!(name_key("ＨＵＡＷＥＩ Technologies"), "huawei technologies");
        assert_ne!(name_key("Li Si"), name_key("Lisi"));
    }

    #[test]
    fn transliterated_names_use_one_middle_dot() {
        assert_eq!(name_key("阿不都・热合曼"), name_key("阿不都·热合曼"));
        assert_eq!(name_key("阿不都 · 热合曼"), "阿不都·热合曼");
    }
}
