//! Installing what is missing, and nothing else: every check is cheap and every install is pinned.
//!
//! Versions come from `shared/reference/toolchain.md`: trunk 0.21.14 (0.22 needs a newer rustc),
//! wasm-bindgen-cli at exactly Cargo.lock's wasm-bindgen (installed without `--locked`, whose lockfile
//! pins a crate the registry lacks), wasm-opt from npm's binaryen 132 (Debian's 108 cannot read Rust
//! 1.95's output), Debian's Chromium and ChromeDriver, and the e2e suite's npm packages by `npm ci`.

use crate::runner::{Cmd, secs};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The trunk release that builds with this toolchain.
pub const TRUNK_VERSION: &str = "0.21.14";
/// The binaryen release whose wasm-opt reads Rust 1.95's wasm.
pub const BINARYEN_VERSION: &str = "132";
/// The Playwright e2e suite's folder, relative to the workspace root.
pub const E2E_DIR: &str = "tests/e2e";

/// What a command needs installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Building and serving the app.
    Serve,
    /// Everything `cargo xtask test` runs.
    Test,
}

/// One thing that may need installing.
struct Tool {
    name: String,
    /// `Ok(())` when present at the right version, else why not.
    check: Box<dyn Fn() -> Result<(), String>>,
    install: Vec<Cmd>,
    /// Runs after the install commands succeed (e.g. to stamp what was installed).
    after_install: Option<Box<dyn Fn() -> Result<(), String>>>,
}

/// Installs whatever `need` requires that is missing. Prints one line per tool and how long it took.
pub fn ensure(root: &Path, need: Need) -> Result<(), String> {
    let start = Instant::now();
    println!(
        "==> setup ({})",
        if need == Need::Serve { "serve" } else { "test" }
    );
    let mut installed = 0;
    for tool in tools(root, need)? {
        let t = Instant::now();
        match (tool.check)() {
            Ok(()) => println!("    {:<28} present", tool.name),
            Err(why) => {
                println!("    {:<28} missing ({why}); installing", tool.name);
                for cmd in &tool.install {
                    println!("    $ {}", cmd.display());
                    cmd.run()
                        .map_err(|e| format!("setup of {} failed: {e}", tool.name))?;
                }
                if let Some(after) = &tool.after_install {
                    after().map_err(|e| format!("setup of {} failed: {e}", tool.name))?;
                }
                (tool.check)()
                    .map_err(|e| format!("{} is still not usable after installing: {e}", tool.name))?;
                println!("    {:<28} installed in {}", tool.name, secs(t.elapsed()));
                installed += 1;
            }
        }
    }
    println!(
        "<== setup: ok in {} ({installed} installed)",
        secs(start.elapsed())
    );
    Ok(())
}

fn tools(root: &Path, need: Need) -> Result<Vec<Tool>, String> {
    let bindgen = wasm_bindgen_version(root)?;
    let mut tools = vec![
        Tool {
            name: "wasm32 target".into(),
            check: Box::new(|| {
                let list = Cmd::new("rustup target list --installed")
                    .output()
                    .unwrap_or_default();
                if list.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
                    Ok(())
                } else {
                    Err("not installed".into())
                }
            }),
            install: vec![Cmd::new("rustup target add wasm32-unknown-unknown")],
            after_install: None,
        },
        Tool {
            name: format!("trunk {TRUNK_VERSION}"),
            check: Box::new(|| version_is("trunk --version", TRUNK_VERSION)),
            install: vec![Cmd::new(&format!(
                "cargo install --locked trunk --version {TRUNK_VERSION}"
            ))],
            after_install: None,
        },
        Tool {
            name: format!("wasm-bindgen-cli {bindgen}"),
            check: {
                let v = bindgen.clone();
                Box::new(move || version_is("wasm-bindgen --version", &v))
            },
            install: vec![Cmd::new(&format!(
                "cargo install wasm-bindgen-cli --version {bindgen}"
            ))],
            after_install: None,
        },
        Tool {
            name: format!("wasm-opt (binaryen {BINARYEN_VERSION})"),
            check: Box::new(|| {
                let out = Cmd::new("wasm-opt --version").output().ok_or("not on PATH")?;
                if out.contains(&format!("version {BINARYEN_VERSION}")) {
                    Ok(())
                } else {
                    Err(format!("found `{}`", out.trim()))
                }
            }),
            install: vec![Cmd::new(&format!("npm install -g binaryen@{BINARYEN_VERSION}"))],
            after_install: None,
        },
    ];
    if need == Need::Test {
        tools.push(Tool {
            name: "chromium + chromedriver".into(),
            check: Box::new(|| {
                for p in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
                    if !Path::new(p).exists() {
                        return Err(format!("{p} not found"));
                    }
                }
                Ok(())
            }),
            install: apt_install(&["chromium", "chromium-driver"]),
            after_install: None,
        });
        // Without a Hangul font headless Chromium draws the Korean page as boxes in screenshots.
        tools.push(Tool {
            name: "Korean fonts (fonts-nanum)".into(),
            check: Box::new(|| {
                if Path::new("/usr/share/fonts/truetype/nanum").exists() {
                    Ok(())
                } else {
                    Err("/usr/share/fonts/truetype/nanum not found".into())
                }
            }),
            install: apt_install(&["fonts-nanum"]),
            after_install: None,
        });
        let e2e = root.join(E2E_DIR);
        let (check_dir, stamp_dir) = (e2e.clone(), e2e.clone());
        tools.push(Tool {
            name: "e2e npm packages".into(),
            check: Box::new(move || npm_stamp_matches(&check_dir)),
            install: vec![
                Cmd::new("npm ci --no-audit --no-fund")
                    .dir(&e2e)
                    .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
            ],
            after_install: Some(Box::new(move || write_npm_stamp(&stamp_dir))),
        });
    }
    Ok(tools)
}

/// `apt-get update` then `apt-get install -y`, through sudo when not root.
fn apt_install(packages: &[&str]) -> Vec<Cmd> {
    let sudo = Cmd::new("id -u")
        .output()
        .map(|s| s.trim() != "0")
        .unwrap_or(false);
    let prefix = if sudo { "sudo " } else { "" };
    vec![
        Cmd::new(&format!("{prefix}apt-get update -qq")),
        Cmd::new(&format!("{prefix}apt-get install -y -qq {}", packages.join(" ")))
            .env("DEBIAN_FRONTEND", "noninteractive"),
    ]
}

fn version_is(cmd: &str, want: &str) -> Result<(), String> {
    let out = Cmd::new(cmd).output().ok_or("not on PATH")?;
    let found = out
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .trim_start_matches('v');
    if found == want {
        Ok(())
    } else {
        Err(format!("found {}", out.trim()))
    }
}

/// The wasm-bindgen version Cargo.lock pins; the CLI must match it exactly.
pub fn wasm_bindgen_version(root: &Path) -> Result<String, String> {
    let lock = fs::read_to_string(root.join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock (run `cargo generate-lockfile`): {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(v) = lines.next().and_then(|l| l.trim().strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_owned());
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

/// node_modules was installed from exactly this package-lock.json (its hash is stamped inside).
fn npm_stamp_matches(e2e: &Path) -> Result<(), String> {
    let lock = fs::read(e2e.join("package-lock.json"))
        .map_err(|e| format!("cannot read {}/package-lock.json: {e}", e2e.display()))?;
    let stamp = stamp_path(e2e);
    if !e2e.join("node_modules").is_dir() {
        return Err("node_modules not installed".into());
    }
    match fs::read_to_string(&stamp) {
        Ok(s) if s.trim() == format!("{:016x}", fnv1a(&lock)) => Ok(()),
        _ => Err("node_modules was installed from another package-lock.json".into()),
    }
}

fn write_npm_stamp(e2e: &Path) -> Result<(), String> {
    let lock = fs::read(e2e.join("package-lock.json")).map_err(|e| e.to_string())?;
    fs::write(stamp_path(e2e), format!("{:016x}\n", fnv1a(&lock))).map_err(|e| e.to_string())
}

fn stamp_path(e2e: &Path) -> PathBuf {
    e2e.join("node_modules").join(".xtask-lock-hash")
}

/// FNV-1a, 64-bit: a stable fingerprint of a file.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wasm_bindgen_version_from_the_lockfile() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let v = wasm_bindgen_version(&root).unwrap();
        assert!(v.starts_with("0.2."), "{v}");
    }

    #[test]
    fn fingerprints_differ_for_different_bytes() {
        assert_ne!(fnv1a(b"a"), fnv1a(b"b"));
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
    }
}
