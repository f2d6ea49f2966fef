use clap::Parser;

fn main() {
    let cli = magedl::cli::Cli::parse();
    let code = match magedl::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("magedl: error: {}", magedl::secret::scrub(&e.to_string()));
            if let Some(hint) = e.hint() {
                eprintln!("magedl: hint: {}", magedl::secret::scrub(&hint));
            }
            e.exit_code()
        }
    };
    std::process::exit(code);
}
