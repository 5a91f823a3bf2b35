fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() > 1 && args[1] == "submod" {
        std::process::exit(diffknap::submod::cli::cli_main(&args[2..]));
    }
}
