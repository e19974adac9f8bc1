//! Text patterns (regular expressions) for short-text fields. The answer must match the
//! whole pattern. Native code (the server) uses the `regex` crate, which runs in linear
//! time; the browser uses its own `RegExp`, so that no regex engine is shipped in the WASM
//! (the `regex` crate alone would add a few hundred KB). Patterns are checked with the
//! `regex` crate when the form is saved, so the server's reading is the one that counts.

#[cfg(not(target_arch = "wasm32"))]
mod engine {
    /// Compiled patterns are bounded so that a hostile pattern cannot exhaust memory.
    fn compile(pattern: &str) -> Result<regex::Regex, regex::Error> {
        regex::RegexBuilder::new(&format!("^(?:{pattern})$")).size_limit(1 << 20).build()
    }

    pub fn check(pattern: &str) -> Result<(), String> {
        compile(pattern).map(|_| ()).map_err(|error| match error {
            regex::Error::Syntax(text) => text.lines().last().unwrap_or("syntax error").trim().to_string(),
            regex::Error::CompiledTooBig(_) => "too large".into(),
            _ => "not usable".into(),
        })
    }

    pub fn matches(pattern: &str, text: &str) -> bool {
        compile(pattern).is_ok_and(|regex| regex.is_match(text))
    }
}

#[cfg(target_arch = "wasm32")]
mod engine {
    fn compile(pattern: &str) -> Option<js_sys::RegExp> {
        // `new RegExp` throws on a bad pattern; reach it through Reflect to catch that.
        let constructor: js_sys::Function = js_sys::RegExp::new("", "").constructor();
        let args = js_sys::Array::of2(&format!("^(?:{pattern})$").into(), &"u".into());
        js_sys::Reflect::construct(&constructor, &args).ok().map(Into::into)
    }

    pub fn check(pattern: &str) -> Result<(), String> {
        compile(pattern).map(|_| ()).ok_or_else(|| "syntax error".to_string())
    }

    pub fn matches(pattern: &str, text: &str) -> bool {
        // A pattern the browser cannot read is left to the server to judge.
        compile(pattern).is_none_or(|regex| regex.test(text))
    }
}

pub use engine::{check, matches};

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #[test]
    fn whole_answer_must_match() {
        assert!(super::matches("[0-9]{6}", "560001"));
        assert!(!super::matches("[0-9]{6}", "5600012"));
        assert!(!super::matches("a|b", "ab"));
        assert!(super::check("(unclosed").is_err());
    }
}
