fn main() {
    std::process::exit(magedl::main());
}
