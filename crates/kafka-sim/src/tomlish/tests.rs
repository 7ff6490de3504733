//! Unit tests of the TOML parser: the TOML 1.0 spec's examples for each value kind and table rule, and
//! the errors (with line and column) for what the spec forbids.

use super::{Item, MAX_DEPTH, Table, Value, parse};

fn doc(text: &str) -> Table {
    parse(text).unwrap_or_else(|e| panic!("{text:?}: {e} at {:?}", e.span()))
}

fn get<'t>(t: &'t Table, path: &str) -> &'t Value {
    let mut value: Option<&Item> = None;
    let mut table = t;
    for key in path.split('/') {
        let item = table.get(key).unwrap_or_else(|| panic!("no {key} in {path}"));
        value = Some(item);
        if let Value::Table(inner) = &item.value {
            table = inner;
        }
    }
    &value.expect("a path").value
}

fn string(t: &Table, path: &str) -> String {
    match get(t, path) {
        Value::String(s) => s.clone(),
        other => panic!("{path}: {other:?}"),
    }
}

fn int(text: &str) -> i64 {
    match get(&doc(&format!("v = {text}")), "v") {
        Value::Integer(i) => *i,
        other => panic!("{text}: {other:?}"),
    }
}

fn float(text: &str) -> f64 {
    match get(&doc(&format!("v = {text}")), "v") {
        Value::Float(f) => *f,
        other => panic!("{text}: {other:?}"),
    }
}

/// The error's message and 1-based line and column.
fn error(text: &str) -> (String, usize, usize) {
    let e = parse(text).expect_err(text);
    let span = e.span().unwrap_or_else(|| panic!("{text:?}: no span for {e}"));
    let (line, column) = span.line_column(text);
    (e.message().to_owned(), line, column)
}

#[test]
fn keys_bare_quoted_and_dotted() {
    let t = doc(
        "key = \"value\"\nbare_key = 1\nbare-key = 2\n1234 = 3\n\"127.0.0.1\" = 4\n\
         \"character encoding\" = 5\n'quoted \"value\"' = 6\n\"ʎǝʞ\" = 7\n\"\" = 8\n\
         physical.color = \"orange\"\nsite.\"google.com\" = true\nfruit . flavor = \"banana\"\n3.14159 = \"pi\"",
    );
    let keys: Vec<&str> = t.entries().iter().map(|e| e.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "key",
            "bare_key",
            "bare-key",
            "1234",
            "127.0.0.1",
            "character encoding",
            "quoted \"value\"",
            "ʎǝʞ",
            "",
            "physical",
            "site",
            "fruit",
            "3"
        ]
    );
    assert_eq!(string(&t, "physical/color"), "orange");
    assert_eq!(get(&t, "site/google.com"), &Value::Boolean(true));
    assert_eq!(string(&t, "fruit/flavor"), "banana");
    assert_eq!(string(&t, "3/14159"), "pi");
}

#[test]
fn basic_and_literal_strings_with_escapes() {
    let t = doc(
        r#"str = "I'm a string. \"You can quote me\". Name\tJos\u00E9\nLocation\tSF."
esc = "\b\t\n\f\r\"\\\U0001F600"
winpath = 'C:\Users\nodejs\templates'
quoted = 'Tom "Dubs" Preston-Werner'
regex = '<\i\c*\s*>'
"#,
    );
    assert_eq!(
        string(&t, "str"),
        "I'm a string. \"You can quote me\". Name\tJosé\nLocation\tSF."
    );
    assert_eq!(string(&t, "esc"), "\u{8}\t\n\u{c}\r\"\\😀");
    assert_eq!(string(&t, "winpath"), r"C:\Users\nodejs\templates");
    assert_eq!(string(&t, "quoted"), "Tom \"Dubs\" Preston-Werner");
    assert_eq!(string(&t, "regex"), r"<\i\c*\s*>");
}

#[test]
fn multi_line_strings() {
    let t = doc("str1 = \"\"\"\nRoses are red\nViolets are blue\"\"\"\n\
         str2 = \"\"\"\nThe quick brown \\\n\n\n  fox jumps over \\\n    the lazy dog.\"\"\"\n\
         str3 = \"\"\"\\\n       The quick brown \\\n       fox.\\\n       \"\"\"\n\
         str4 = \"\"\"Here are two quotation marks: \"\". Simple enough.\"\"\"\n\
         str5 = \"\"\"Here are three quotation marks: \"\"\\\".\"\"\"\n\
         str6 = \"\"\"\"This,\" she said, \"is just a pointless statement.\"\"\"\"\n\
         lines = '''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n'''\n\
         quot15 = '''Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\"'''\n\
         apos15 = \"Here are fifteen apostrophes: '''''''''''''''\"\n\
         crlf = \"\"\"a\r\nb\"\"\"\n");
    assert_eq!(string(&t, "str1"), "Roses are red\nViolets are blue");
    assert_eq!(string(&t, "str2"), "The quick brown fox jumps over the lazy dog.");
    assert_eq!(string(&t, "str3"), "The quick brown fox.");
    assert_eq!(
        string(&t, "str4"),
        "Here are two quotation marks: \"\". Simple enough."
    );
    assert_eq!(string(&t, "str5"), "Here are three quotation marks: \"\"\".");
    assert_eq!(
        string(&t, "str6"),
        "\"This,\" she said, \"is just a pointless statement.\""
    );
    assert_eq!(
        string(&t, "lines"),
        "The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n"
    );
    assert_eq!(
        string(&t, "quot15"),
        format!("Here are fifteen quotation marks: {}", "\"".repeat(15))
    );
    assert_eq!(
        string(&t, "apos15"),
        format!("Here are fifteen apostrophes: {}", "'".repeat(15))
    );
    assert_eq!(string(&t, "crlf"), "a\nb");
}

#[test]
fn integers_in_every_base() {
    for (text, value) in [
        ("+99", 99),
        ("42", 42),
        ("0", 0),
        ("-17", -17),
        ("-0", 0),
        ("1_000", 1000),
        ("5_349_221", 5_349_221),
        ("1_2_3_4_5", 12345),
        ("0xDEADBEEF", 0xDEAD_BEEF),
        ("0xdead_beef", 0xDEAD_BEEF),
        ("0o01234567", 0o1234567),
        ("0o755", 0o755),
        ("0b11010110", 0b1101_0110),
        ("9223372036854775807", i64::MAX),
        ("-9223372036854775808", i64::MIN),
        ("0x7FFFFFFFFFFFFFFF", i64::MAX),
    ] {
        assert_eq!(int(text), value, "{text}");
    }
}

#[test]
fn floats_and_specials() {
    for (text, value) in [
        ("+1.0", 1.0),
        ("2.5", 2.5),
        ("-0.01", -0.01),
        ("5e+22", 5e22),
        ("1e06", 1e6),
        ("-2E-2", -2e-2),
        ("6.626e-34", 6.626e-34),
        ("224_617.445_991_228", 224_617.445_991_228),
        ("inf", f64::INFINITY),
        ("+inf", f64::INFINITY),
        ("-inf", f64::NEG_INFINITY),
    ] {
        assert_eq!(float(text), value, "{text}");
    }
    assert!(float("nan").is_nan() && float("+nan").is_nan() && float("-nan").is_nan());
    assert_eq!(get(&doc("a = true\nb = false"), "b"), &Value::Boolean(false));
}

#[test]
fn bad_numbers_are_refused_at_their_column() {
    for (text, message) in [
        ("v = 01", "invalid number `01`: leading zeros are not allowed"),
        ("v = 1__0", "invalid number `1__0`"),
        (
            "v = _1",
            "expected a value: a string (in quotes), number, boolean, array or inline table",
        ),
        ("v = 1_", "invalid number `1_`"),
        ("v = 1.", "invalid number `1.`"),
        (
            "v = .5",
            "expected a value: a string (in quotes), number, boolean, array or inline table",
        ),
        ("v = 1e", "invalid number `1e`"),
        ("v = 1.2.3", "invalid number `1.2.3`"),
        ("v = 0X1F", "invalid number `0X1F`"),
        ("v = 0x", "invalid hexadecimal integer `0x`"),
        ("v = 0b102", "invalid binary integer `0b102`"),
        (
            "v = -0x1",
            "invalid number `-0x1`: a hexadecimal integer cannot have a sign",
        ),
        (
            "v = 9223372036854775808",
            "integer `9223372036854775808` is out of range (64-bit signed)",
        ),
        (
            "v = 0x8000000000000000",
            "integer `0x8000000000000000` is out of range (64-bit signed)",
        ),
        ("v = 1e999", "float `1e999` is out of range (64-bit)"),
        ("v = infinity", "invalid number `infinity`"),
        ("v = 12abc", "invalid number `12abc`"),
    ] {
        assert_eq!(error(text), (message.to_owned(), 1, 5), "{text}");
    }
}

#[test]
fn dates_and_times_are_refused() {
    for text in [
        "odt = 1979-05-27T07:32:00Z",
        "ld = 1979-05-27",
        "lt = 07:32:00",
        "odt = 1979-05-27 07:32:00-08:00",
    ] {
        let (message, line, _) = error(text);
        assert_eq!(
            (message.as_str(), line),
            ("dates are not supported in scenario files", 1)
        );
    }
}

#[test]
fn arrays_span_lines_with_comments_and_a_trailing_comma() {
    let t = doc(
        "integers = [ 1, 2, 3 ]\ncolors = [ \"red\", 'yellow', \"\"\"green\"\"\" ]\n\
         nested = [ [ 1, 2 ], [\"a\", \"b\", \"c\"] ]\nmixed = [ 0.1, 1, \"x\", { y = 1 } ]\n\
         multi = [\n  1, # one\n  2,\n]\nempty = []",
    );
    let Value::Array(a) = get(&t, "multi") else {
        panic!("an array")
    };
    assert_eq!(
        a.items.iter().map(|i| &i.value).collect::<Vec<_>>(),
        [&Value::Integer(1), &Value::Integer(2)]
    );
    let Value::Array(nested) = get(&t, "nested") else {
        panic!("an array")
    };
    assert_eq!(nested.items.len(), 2);
    let Value::Array(mixed) = get(&t, "mixed") else {
        panic!("an array")
    };
    assert_eq!(mixed.items[3].value.kind(), "table");
    assert!(matches!(get(&t, "empty"), Value::Array(a) if a.items.is_empty()));
    assert_eq!(
        error("a = [1 2]"),
        ("expected `,` or `]` in the array".to_owned(), 1, 8)
    );
    assert_eq!(error("a = [1,,2]").1, 1);
    assert!(parse("a = [1, 2").is_err());
}

#[test]
fn tables_headers_and_dotted_keys() {
    let t = doc(
        "[table-1]\nkey1 = \"some string\"\n[ dog . \"tater.man\" ]\ntype.name = \"pug\"\n\
         [x.y.z.w]\n[x]\nv = 1\n[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n\
         [fruit.apple.texture]\nsmooth = true\n",
    );
    assert_eq!(string(&t, "table-1/key1"), "some string");
    assert_eq!(string(&t, "dog/tater.man/type/name"), "pug");
    assert_eq!(get(&t, "x/v"), &Value::Integer(1));
    assert!(matches!(get(&t, "x/y/z/w"), Value::Table(w) if w.is_empty()));
    assert_eq!(get(&t, "fruit/apple/taste/sweet"), &Value::Boolean(true));
    assert_eq!(get(&t, "fruit/apple/texture/smooth"), &Value::Boolean(true));
    let top: Vec<&str> = t.entries().iter().map(|e| e.key.as_str()).collect();
    assert_eq!(top, ["table-1", "dog", "x", "fruit"]);
}

#[test]
fn inline_tables() {
    let t = doc(
        "name = { first = \"Tom\", last = \"Preston-Werner\" }\npoint = { x = 1, y = 2 }\n\
         animal = { type.name = \"pug\", type.age = 3 }\nempty = {}",
    );
    assert_eq!(string(&t, "name/last"), "Preston-Werner");
    assert_eq!(get(&t, "animal/type/age"), &Value::Integer(3));
    assert_eq!(
        error("a = { b = 1, }").0,
        "expected a key, found `}` (a key is letters, digits, `_` and `-`, or a quoted string)"
    );
    assert!(
        error("a = { b = 1\n}")
            .0
            .contains("an inline table stays on one line")
    );
    assert_eq!(
        error("[product]\ntype = { name = \"Nail\" }\n[product.type]\n").1,
        3
    );
    assert_eq!(
        error("[product]\ntype.name = \"Nail\"\ntype = { edible = false }").1,
        3
    );
    assert_eq!(
        error("a = { b = { c = 1 }, b.d = 2 }").0,
        "the dotted key cannot extend `b`: it is an inline table"
    );
}

#[test]
fn arrays_of_tables() {
    let t = doc(
        "[[products]]\nname = \"Hammer\"\nsku = 738594937\n\n[[products]]  # empty\n\n\
         [[products]]\nname = \"Nail\"\ncolor = \"gray\"\n\
         [[fruits]]\nname = \"apple\"\n[fruits.physical]\ncolor = \"red\"\n[[fruits.varieties]]\nname = \"red delicious\"\n\
         [[fruits.varieties]]\nname = \"granny smith\"\n[[fruits]]\nname = \"banana\"\n[[fruits.varieties]]\nname = \"plantain\"\n",
    );
    let Value::Array(products) = get(&t, "products") else {
        panic!("an array")
    };
    assert_eq!(products.items.len(), 3);
    assert!(matches!(&products.items[1].value, Value::Table(t) if t.is_empty()));
    let Value::Array(fruits) = get(&t, "fruits") else {
        panic!("an array")
    };
    let Value::Table(banana) = &fruits.items[1].value else {
        panic!("a table")
    };
    assert_eq!(string(banana, "name"), "banana");
    let Value::Table(apple) = &fruits.items[0].value else {
        panic!("a table")
    };
    assert_eq!(string(apple, "physical/color"), "red");
    assert!(matches!(get(apple, "varieties"), Value::Array(v) if v.items.len() == 2));
}

#[test]
fn redefinitions_are_errors_at_their_line_and_column() {
    for (text, message, line, column) in [
        ("name = \"Tom\"\nname = \"Pradyun\"", "duplicate key `name`", 2, 1),
        (
            "spelling = \"favorite\"\n\"spelling\" = \"favourite\"",
            "duplicate key `spelling`",
            2,
            1,
        ),
        (
            "fruit.apple = 1\nfruit.apple.smooth = true",
            "the dotted key cannot extend `fruit.apple`: it is not a table",
            2,
            7,
        ),
        (
            "[fruit]\napple = \"red\"\n\n[fruit]\norange = 1",
            "table `fruit` is defined more than once",
            4,
            1,
        ),
        (
            "[fruit]\napple = \"red\"\n[fruit.apple]",
            "`fruit.apple` is already a string; the [...] header cannot redefine it",
            3,
            1,
        ),
        (
            "[fruit]\napple.color = \"red\"\n[fruit.apple]",
            "table `fruit.apple` is defined more than once",
            3,
            1,
        ),
        (
            "[a.b.c]\nz = 9\n[a]\nb.c.t = 1",
            "the dotted key cannot extend `b`: it is a table of a header",
            4,
            1,
        ),
        (
            "fruits = []\n[[fruits]]",
            "`fruits` is already an array; the [[...]] header cannot redefine it",
            2,
            1,
        ),
        (
            "[[fruits]]\n[fruits]",
            "`fruits` is already an array; the [...] header cannot redefine it",
            2,
            1,
        ),
        (
            "[fruit.physical]\ncolor = 1\n[[fruit]]",
            "`fruit` is already a table; the [[...]] header cannot redefine it",
            3,
            1,
        ),
        (
            "a = { b = 1 }\n[a.c]",
            "`a` is an inline table and cannot hold a table",
            2,
            2,
        ),
        ("a = 1\n[a.b]", "`a` is an integer and cannot hold a table", 2, 2),
    ] {
        assert_eq!(error(text), (message.to_owned(), line, column), "{text}");
    }
}

#[test]
fn syntax_errors_say_where() {
    for (text, message, line, column) in [
        (
            "seed = 1\nduration = \"10s\n",
            "unterminated string: a basic string ends with `\"` on its line",
            2,
            16,
        ),
        (
            "a = 'abc",
            "unterminated string: a literal string ends with `'` on its line",
            1,
            9,
        ),
        (
            "a = \"\"\"abc\n",
            "unterminated multi-line string: no closing \"\"\"",
            1,
            5,
        ),
        (
            "a = '''abc",
            "unterminated multi-line string: no closing '''",
            1,
            5,
        ),
        (
            "x = 1\na = \"\\x41\"",
            "invalid escape `\\x`: use \\b, \\t, \\n, \\f, \\r, \\\", \\\\, \\uXXXX or \\UXXXXXXXX",
            2,
            6,
        ),
        (
            "a = \"\\u12\"",
            "invalid unicode escape: \\u takes 4 hex digits",
            1,
            6,
        ),
        (
            "a = \"\\uD800\"",
            "invalid unicode escape: U+D800 is not a Unicode scalar value",
            1,
            6,
        ),
        (
            "a = \"\"\"a \\ b\"\"\"",
            "invalid escape `\\ `: use \\b, \\t, \\n, \\f, \\r, \\\", \\\\, \\uXXXX or \\UXXXXXXXX",
            1,
            10,
        ),
        (
            "a = \"tab\tok, bell\u{7}no\"",
            "a string cannot hold the control character U+0007; escape it",
            1,
            18,
        ),
        ("a = 1 b = 2", "expected a newline or `#` after the value", 1, 7),
        (
            "a = tru",
            "expected a value: a string (in quotes), number, boolean, array or inline table",
            1,
            5,
        ),
        (
            "a = abc",
            "expected a value: a string (in quotes), number, boolean, array or inline table",
            1,
            5,
        ),
        ("a\n", "expected `=` after the key", 1, 2),
        ("a =", "expected a value", 1, 4),
        (
            "= 1",
            "expected a key, found `=` (a key is letters, digits, `_` and `-`, or a quoted string)",
            1,
            1,
        ),
        ("[a\nb = 1", "expected `]` to close the header", 1, 3),
        ("[[a]\n", "expected `]]` to close the header", 1, 4),
        ("[a] x", "expected a newline or `#` after the header", 1, 5),
        ("\"\"\"k\"\"\" = 1", "a key cannot be a multi-line string", 1, 1),
        (
            "a = 1\rb = 2",
            "a carriage return must be followed by a newline",
            1,
            6,
        ),
        (
            "# bell \u{7}\na = 1",
            "a comment cannot hold a control character",
            1,
            8,
        ),
        (
            "é = 1",
            "expected a key, found `é` (a key is letters, digits, `_` and `-`, or a quoted string)",
            1,
            1,
        ),
        (
            "k = \"é\" \"x\"",
            "expected a newline or `#` after the value",
            1,
            9,
        ),
    ] {
        assert_eq!(error(text), (message.to_owned(), line, column), "{text:?}");
    }
}

#[test]
fn nesting_is_bounded() {
    let deep = |n: usize| format!("a = {}{}", "[".repeat(n), "]".repeat(n));
    assert!(parse(&deep(MAX_DEPTH - 1)).is_ok());
    assert_eq!(
        error(&deep(100_000)).0,
        format!("the value is nested more than {MAX_DEPTH} levels deep")
    );
    let inline = format!(
        "a = {}{}",
        "{ b = ".repeat(MAX_DEPTH + 1),
        "}".repeat(MAX_DEPTH + 1)
    );
    assert!(parse(&inline).is_err());
    let dotted = format!("{} = 1", vec!["k"; 100_000].join("."));
    assert_eq!(
        error(&dotted).0,
        format!("the key has more than {MAX_DEPTH} parts")
    );
    let header = format!(
        "[{}]\n{} = 1",
        vec!["k"; MAX_DEPTH].join("."),
        ["k"; 10].join(".")
    );
    assert!(parse(&header).is_err(), "a header's depth counts with the key's");
    assert!(parse(&format!("[{}]", vec!["k"; MAX_DEPTH].join("."))).is_ok());
}

#[test]
fn whitespace_comments_and_crlf() {
    let t = doc("# comment\r\n\t a = 1 # trailing\r\n\r\n[t] # c\r\nb = \"# not a comment\"\r\n");
    assert_eq!(get(&t, "a"), &Value::Integer(1));
    assert_eq!(string(&t, "t/b"), "# not a comment");
    assert!(doc("").is_empty());
    assert!(doc("\n\n# only a comment").is_empty());
}

#[test]
fn spans_point_at_values_and_headers() {
    let text = "a = \"x\"\n[t]\nb = [1, 2]\n";
    let t = doc(text);
    let a = t.get("a").expect("a");
    assert_eq!(&text[a.span.start..a.span.end], "\"x\"");
    let tt = t.get("t").expect("t");
    assert_eq!(&text[tt.span.start..tt.span.end], "[t]");
    let Value::Table(inner) = &tt.value else {
        panic!("a table")
    };
    let b = inner.get("b").expect("b");
    assert_eq!(&text[b.span.start..b.span.end], "[1, 2]");
    assert_eq!(b.span.line_column(text), (3, 5));
    assert_eq!(inner.entries()[0].key_span.line_column(text), (3, 1));
}
