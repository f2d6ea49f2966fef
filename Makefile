# magedl — see README.md. Every target here does real work.
CARGO  ?= cargo
PREFIX ?= /usr/local
SHELLS := bash zsh fish

.PHONY: build test demo lint completions man install bench

build:
	$(CARGO) build --release --workspace

test:
	$(CARGO) test --workspace

demo: build
	scripts/demo.sh

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

completions:
	$(CARGO) build --quiet
	mkdir -p completions
	target/debug/magedl completions bash > completions/magedl.bash
	target/debug/magedl completions zsh  > completions/_magedl
	target/debug/magedl completions fish > completions/magedl.fish
	target/debug/magedl completions elvish > completions/magedl.elv
	target/debug/magedl completions powershell > completions/_magedl.ps1

man:
	$(CARGO) run --quiet --example man -- man

install: build
	install -Dm755 target/release/magedl $(DESTDIR)$(PREFIX)/bin/magedl
	install -Dm644 completions/magedl.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/magedl
	install -Dm644 completions/_magedl $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_magedl
	install -Dm644 completions/magedl.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/magedl.fish
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/


bench: build
	scripts/bench.sh
