
use builtin;
use str;

set edit:completion:arg-completer[magedl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'magedl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'magedl'= {
            cand --mage-id 'Your MAGEID (else MAGE_ID, netrc, or a prompt)'
            cand --token-file 'Read the download token from a file (`-` reads standard input; first line)'
            cand --token 'The download token (visible to other users in the process list: prefer --token-file)'
            cand --endpoint 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]'
            cand --cacert 'Trust this CA certificate (PEM) in addition to the system roots'
            cand --proxy 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)'
            cand --retries 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]'
            cand --timeout 'Idle read timeout in seconds [default: 30]'
            cand --connect-timeout 'Connect timeout in seconds [default: 30]'
            cand --progress 'Progress display: bars on a terminal, plain lines in a log, JSON events for a wrapper [default: auto]'
            cand --color 'Colored bars [default: auto]'
            cand --insecure 'Do not verify TLS certificates (warns on every run)'
            cand -v 'Trace every request and response on standard error (never the token)'
            cand --verbose 'Trace every request and response on standard error (never the token)'
            cand -q 'No progress and no summary (verify: failures only); errors are still shown'
            cand --quiet 'No progress and no summary (verify: failures only); errors are still shown'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand url 'Print the endpoint URL for PATH (default info/help), token masked'
            cand info 'Print the server''s own answer: help, files, versions, json, or filter version|type VALUE'
            cand list 'List releases from the catalog'
            cand versions 'List versions, newest first (release versions, then those with patches only)'
            cand download 'Download files: parallel, segmented, resumable, verified'
            cand verify 'Check files against the catalog md5, a checksum file, or given checksums'
            cand sync 'Bring a directory up to date with the (filtered) catalog: the nightly job'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'magedl;url'= {
            cand --mage-id 'Your MAGEID (else MAGE_ID, netrc, or a prompt)'
            cand --token-file 'Read the download token from a file (`-` reads standard input; first line)'
            cand --token 'The download token (visible to other users in the process list: prefer --token-file)'
            cand --endpoint 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]'
            cand --show-token 'Print the real token in the URL'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'magedl;info'= {
            cand --mage-id 'Your MAGEID (else MAGE_ID, netrc, or a prompt)'
            cand --token-file 'Read the download token from a file (`-` reads standard input; first line)'
            cand --token 'The download token (visible to other users in the process list: prefer --token-file)'
            cand --endpoint 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]'
            cand --cacert 'Trust this CA certificate (PEM) in addition to the system roots'
            cand --proxy 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)'
            cand --retries 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]'
            cand --timeout 'Idle read timeout in seconds [default: 30]'
            cand --connect-timeout 'Connect timeout in seconds [default: 30]'
            cand --insecure 'Do not verify TLS certificates (warns on every run)'
            cand -v 'Trace every request and response on standard error (never the token)'
            cand --verbose 'Trace every request and response on standard error (never the token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'magedl;list'= {
            cand --type 'Only this type (repeatable)'
            cand --edition 'Only this edition: ce (ce-full, ce-patch) or ee (ee-full, ee-patch); other belongs to both (repeatable)'
            cand --version 'Only files belonging to a version matching this glob (e.g. ''2.4.*'')'
            cand --format 'Output format'
            cand --mage-id 'Your MAGEID (else MAGE_ID, netrc, or a prompt)'
            cand --token-file 'Read the download token from a file (`-` reads standard input; first line)'
            cand --token 'The download token (visible to other users in the process list: prefer --token-file)'
            cand --endpoint 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]'
            cand --cacert 'Trust this CA certificate (PEM) in addition to the system roots'
            cand --proxy 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)'
            cand --retries 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]'
            cand --timeout 'Idle read timeout in seconds [default: 30]'
            cand --connect-timeout 'Connect timeout in seconds [default: 30]'
            cand --latest 'Only the newest version per type'
            cand --json 'The same as --format json'
            cand --insecure 'Do not verify TLS certificates (warns on every run)'
            cand -v 'Trace every request and response on standard error (never the token)'
            cand --verbose 'Trace every request and response on standard error (never the token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'magedl;versions'= {
            cand --type 'Only versions of this type (repeatable)'
            cand --edition 'Only versions of this edition (repeatable)'
            cand --mage-id 'Your MAGEID (else MAGE_ID, netrc, or a prompt)'
            cand --token-file 'Read the download token from a file (`-` reads standard input; first line)'
            cand --token 'The download token (visible to other users in the process list: prefer --token-file)'
            cand --endpoint 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]'
            cand --cacert 'Trust this CA certificate (PEM) in addition to the system roots'
            cand --proxy 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)'
            cand --retries 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]'
            cand --timeout 'Idle read timeout in seconds [default: 30]'
            cand --connect-timeout 'Connect timeout in seconds [default: 30]'
            cand --insecure 'Do not verify TLS certificates (warns on every run)'
            cand -v 'Trace every request and response on standard error (never the token)'
            cand --verbose 'Trace every request and response on standard error (never the token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'magedl;download'= {
            cand --type 'Only this type (repeatable)'
            cand --edition 'Only this edition: ce (ce-full, ce-patch) or ee (ee-full, ee-patch); other belongs to both (repeatable)'
            cand --version 'Only files belonging to a version matching this glob (e.g. ''2.4.*'')'
            cand -i 'Read names or globs from FILE, one a line (blank lines and # comments skipped; - = stdin)'
            cand --input-file 'Read names or globs from FILE, one a line (blank lines and # comments skipped; - = stdin)'
            cand -o 'Output directory (not `-`: see --extract)'
            cand --output-dir 'Output directory (not `-`: see --extract)'
            cand --extract 'After a file is verified, unpack .zip, .tar.gz/.tgz, .tar.bz2 or .tar into DIR'
            cand -j 'Files at once'
            cand --jobs 'Files at once'
            cand -s 'Connections per file (default: automatic; 1 turns segmenting off)'
            cand --segments 'Connections per file (default: automatic; 1 turns segmenting off)'
            cand --max-size 'Refuse a file announced or streaming past SIZE (K, M, G suffixes)'
            cand --limit-rate 'Limit the whole run''s download rate to RATE bytes per second (K, M, G suffixes), across all connections and files'
            cand --sha256 'Expected SHA-256 (single file)'
            cand --md5 'Expected MD5 (single file)'
            cand --checksums 'Expected checksums (sha256sum or md5sum output; - = stdin), instead of the catalog'
            cand --mage-id 'Your MAGEID (else MAGE_ID, netrc, or a prompt)'
            cand --token-file 'Read the download token from a file (`-` reads standard input; first line)'
            cand --token 'The download token (visible to other users in the process list: prefer --token-file)'
            cand --endpoint 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]'
            cand --cacert 'Trust this CA certificate (PEM) in addition to the system roots'
            cand --proxy 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)'
            cand --retries 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]'
            cand --timeout 'Idle read timeout in seconds [default: 30]'
            cand --connect-timeout 'Connect timeout in seconds [default: 30]'
            cand --progress 'Progress display: bars on a terminal, plain lines in a log, JSON events for a wrapper [default: auto]'
            cand --color 'Colored bars [default: auto]'
            cand --latest 'Only the newest version per type'
            cand --wait 'Wait for another run writing into the directory instead of exiting 6'
            cand --json 'Print the report as JSON on standard output'
            cand --dry-run 'Print what would be fetched and exit'
            cand --require-checksum 'Fail (exit 4) for a file without any expected checksum'
            cand --no-verify 'Skip checksum verification'
            cand --force 'Download again even when a verified file is present (and overwrite extracted files)'
            cand --no-resume 'Discard partial data instead of resuming'
            cand --insecure 'Do not verify TLS certificates (warns on every run)'
            cand -v 'Trace every request and response on standard error (never the token)'
            cand --verbose 'Trace every request and response on standard error (never the token)'
            cand -q 'No progress and no summary (verify: failures only); errors are still shown'
            cand --quiet 'No progress and no summary (verify: failures only); errors are still shown'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'magedl;verify'= {
            cand --sha256 'Expected SHA-256 (single file)'
            cand --md5 'Expected MD5 (single file)'
            cand --checksums 'Expected checksums (sha256sum or md5sum output; - = stdin), instead of the catalog'
            cand --mage-id 'Your MAGEID (else MAGE_ID, netrc, or a prompt)'
            cand --token-file 'Read the download token from a file (`-` reads standard input; first line)'
            cand --token 'The download token (visible to other users in the process list: prefer --token-file)'
            cand --endpoint 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]'
            cand --cacert 'Trust this CA certificate (PEM) in addition to the system roots'
            cand --proxy 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)'
            cand --retries 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]'
            cand --timeout 'Idle read timeout in seconds [default: 30]'
            cand --connect-timeout 'Connect timeout in seconds [default: 30]'
            cand --deep 'Also read every entry of .zip, .tar.gz/.tgz, .tar.bz2 and .tar archives to its end'
            cand --json 'Print the report as JSON on standard output'
            cand --require-checksum 'A file without any checksum to check against fails (exit 4)'
            cand --status 'Print nothing: the exit code tells'
            cand --strict 'A malformed line in the checksum file is an error (exit 2), not a warning'
            cand --insecure 'Do not verify TLS certificates (warns on every run)'
            cand -v 'Trace every request and response on standard error (never the token)'
            cand --verbose 'Trace every request and response on standard error (never the token)'
            cand -q 'No progress and no summary (verify: failures only); errors are still shown'
            cand --quiet 'No progress and no summary (verify: failures only); errors are still shown'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'magedl;sync'= {
            cand --type 'Only this type (repeatable)'
            cand --edition 'Only this edition: ce (ce-full, ce-patch) or ee (ee-full, ee-patch); other belongs to both (repeatable)'
            cand --version 'Only files belonging to a version matching this glob (e.g. ''2.4.*'')'
            cand -i 'Read names or globs from FILE, one a line (blank lines and # comments skipped; - = stdin)'
            cand --input-file 'Read names or globs from FILE, one a line (blank lines and # comments skipped; - = stdin)'
            cand --metrics 'Write the run''s metrics to FILE (Prometheus text format, for node_exporter''s textfile collector)'
            cand -j 'Files at once'
            cand --jobs 'Files at once'
            cand -s 'Connections per file (default: automatic; 1 turns segmenting off)'
            cand --segments 'Connections per file (default: automatic; 1 turns segmenting off)'
            cand --max-size 'Refuse a file announced or streaming past SIZE (K, M, G suffixes)'
            cand --limit-rate 'Limit the whole run''s download rate to RATE bytes per second (K, M, G suffixes), across all connections and files'
            cand --mage-id 'Your MAGEID (else MAGE_ID, netrc, or a prompt)'
            cand --token-file 'Read the download token from a file (`-` reads standard input; first line)'
            cand --token 'The download token (visible to other users in the process list: prefer --token-file)'
            cand --endpoint 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]'
            cand --cacert 'Trust this CA certificate (PEM) in addition to the system roots'
            cand --proxy 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)'
            cand --retries 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]'
            cand --timeout 'Idle read timeout in seconds [default: 30]'
            cand --connect-timeout 'Connect timeout in seconds [default: 30]'
            cand --progress 'Progress display: bars on a terminal, plain lines in a log, JSON events for a wrapper [default: auto]'
            cand --color 'Colored bars [default: auto]'
            cand --latest 'Only the newest version per type'
            cand --prune 'Remove files that left the catalog (and the directories they leave empty)'
            cand --mirror 'Lay the directory out like the endpoint (info/..., file/...): a static mirror'
            cand --rehash 'Read and hash every present file, whatever the verification cache says'
            cand --wait 'Wait for another run writing into the directory instead of exiting 6'
            cand --json 'Print the report as JSON on standard output'
            cand --dry-run 'Print what would be fetched and exit'
            cand --insecure 'Do not verify TLS certificates (warns on every run)'
            cand -v 'Trace every request and response on standard error (never the token)'
            cand --verbose 'Trace every request and response on standard error (never the token)'
            cand -q 'No progress and no summary (verify: failures only); errors are still shown'
            cand --quiet 'No progress and no summary (verify: failures only); errors are still shown'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'magedl;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'magedl;help'= {
            cand url 'Print the endpoint URL for PATH (default info/help), token masked'
            cand info 'Print the server''s own answer: help, files, versions, json, or filter version|type VALUE'
            cand list 'List releases from the catalog'
            cand versions 'List versions, newest first (release versions, then those with patches only)'
            cand download 'Download files: parallel, segmented, resumable, verified'
            cand verify 'Check files against the catalog md5, a checksum file, or given checksums'
            cand sync 'Bring a directory up to date with the (filtered) catalog: the nightly job'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'magedl;help;url'= {
        }
        &'magedl;help;info'= {
        }
        &'magedl;help;list'= {
        }
        &'magedl;help;versions'= {
        }
        &'magedl;help;download'= {
        }
        &'magedl;help;verify'= {
        }
        &'magedl;help;sync'= {
        }
        &'magedl;help;completions'= {
        }
        &'magedl;help;help'= {
        }
    ]
    $completions[$command]
}
