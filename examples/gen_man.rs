//! Write every man page into a directory (default `man/`): `cargo run --example gen_man`, which
//! `scripts/gen-man` runs. A test fails when the pages there are not what this writes.

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| std::path::PathBuf::from("man"), Into::into);
    std::fs::create_dir_all(&dir)?;
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "1") {
            std::fs::remove_file(path)?;
        }
    }
    for (name, text) in fedaws::manual::pages() {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(())
}
