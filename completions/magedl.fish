# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_magedl_global_optspecs
    string join \n mage-id= token-file= token= endpoint= cacert= insecure proxy= retries= timeout= connect-timeout= v/verbose q/quiet progress= color= h/help V/version
end

function __fish_magedl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_magedl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_magedl_using_subcommand
    set -l cmd (__fish_magedl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c magedl -n "__fish_magedl_needs_command" -l mage-id -d 'Your MAGEID (else MAGE_ID, netrc, or a prompt)' -r
complete -c magedl -n "__fish_magedl_needs_command" -l token-file -d 'Read the download token from a file (`-` reads standard input; first line)' -r -F
complete -c magedl -n "__fish_magedl_needs_command" -l token -d 'The download token (visible to other users in the process list: prefer --token-file)' -r
complete -c magedl -n "__fish_magedl_needs_command" -l endpoint -d 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]' -r
complete -c magedl -n "__fish_magedl_needs_command" -l cacert -d 'Trust this CA certificate (PEM) in addition to the system roots' -r -F
complete -c magedl -n "__fish_magedl_needs_command" -l proxy -d 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)' -r
complete -c magedl -n "__fish_magedl_needs_command" -l retries -d 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]' -r
complete -c magedl -n "__fish_magedl_needs_command" -l timeout -d 'Idle read timeout in seconds [default: 30]' -r
complete -c magedl -n "__fish_magedl_needs_command" -l connect-timeout -d 'Connect timeout in seconds [default: 30]' -r
complete -c magedl -n "__fish_magedl_needs_command" -l progress -d 'Progress display: bars on a terminal, plain lines in a log, JSON events for a wrapper [default: auto]' -r -f -a "auto\t'bar on a terminal, line otherwise'
bar\t'one bar per file under a total bar'
line\t'plain timestamped lines, for cron logs'
json\t'one JSON object a line (start, progress, retry, done, skipped, failed, summary)'
none\t'nothing'"
complete -c magedl -n "__fish_magedl_needs_command" -l color -d 'Colored bars [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c magedl -n "__fish_magedl_needs_command" -l insecure -d 'Do not verify TLS certificates (warns on every run)'
complete -c magedl -n "__fish_magedl_needs_command" -s v -l verbose -d 'Trace every request and response on standard error (never the token)'
complete -c magedl -n "__fish_magedl_needs_command" -s q -l quiet -d 'No progress and no summary (verify: failures only); errors are still shown'
complete -c magedl -n "__fish_magedl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c magedl -n "__fish_magedl_needs_command" -s V -l version -d 'Print version'
complete -c magedl -n "__fish_magedl_needs_command" -f -a "url" -d 'Print the endpoint URL for PATH (default info/help), token masked'
complete -c magedl -n "__fish_magedl_needs_command" -f -a "info" -d 'Print the server\'s own answer: help, files, versions, json, or filter version|type VALUE'
complete -c magedl -n "__fish_magedl_needs_command" -f -a "list" -d 'List releases from the catalog'
complete -c magedl -n "__fish_magedl_needs_command" -f -a "versions" -d 'List versions, newest first (release versions, then those with patches only)'
complete -c magedl -n "__fish_magedl_needs_command" -f -a "download" -d 'Download files: parallel, segmented, resumable, verified'
complete -c magedl -n "__fish_magedl_needs_command" -f -a "verify" -d 'Check files against the catalog md5, a checksum file, or given checksums'
complete -c magedl -n "__fish_magedl_needs_command" -f -a "sync" -d 'Bring a directory up to date with the (filtered) catalog: the nightly job'
complete -c magedl -n "__fish_magedl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c magedl -n "__fish_magedl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c magedl -n "__fish_magedl_using_subcommand url" -l mage-id -d 'Your MAGEID (else MAGE_ID, netrc, or a prompt)' -r
complete -c magedl -n "__fish_magedl_using_subcommand url" -l token-file -d 'Read the download token from a file (`-` reads standard input; first line)' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand url" -l token -d 'The download token (visible to other users in the process list: prefer --token-file)' -r
complete -c magedl -n "__fish_magedl_using_subcommand url" -l endpoint -d 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]' -r
complete -c magedl -n "__fish_magedl_using_subcommand url" -l show-token -d 'Print the real token in the URL'
complete -c magedl -n "__fish_magedl_using_subcommand url" -s h -l help -d 'Print help'
complete -c magedl -n "__fish_magedl_using_subcommand info" -l mage-id -d 'Your MAGEID (else MAGE_ID, netrc, or a prompt)' -r
complete -c magedl -n "__fish_magedl_using_subcommand info" -l token-file -d 'Read the download token from a file (`-` reads standard input; first line)' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand info" -l token -d 'The download token (visible to other users in the process list: prefer --token-file)' -r
complete -c magedl -n "__fish_magedl_using_subcommand info" -l endpoint -d 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]' -r
complete -c magedl -n "__fish_magedl_using_subcommand info" -l cacert -d 'Trust this CA certificate (PEM) in addition to the system roots' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand info" -l proxy -d 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)' -r
complete -c magedl -n "__fish_magedl_using_subcommand info" -l retries -d 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]' -r
complete -c magedl -n "__fish_magedl_using_subcommand info" -l timeout -d 'Idle read timeout in seconds [default: 30]' -r
complete -c magedl -n "__fish_magedl_using_subcommand info" -l connect-timeout -d 'Connect timeout in seconds [default: 30]' -r
complete -c magedl -n "__fish_magedl_using_subcommand info" -l insecure -d 'Do not verify TLS certificates (warns on every run)'
complete -c magedl -n "__fish_magedl_using_subcommand info" -s v -l verbose -d 'Trace every request and response on standard error (never the token)'
complete -c magedl -n "__fish_magedl_using_subcommand info" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c magedl -n "__fish_magedl_using_subcommand list" -l type -d 'Only this type (repeatable)' -r -f -a "ce-full\t''
ce-patch\t''
ee-full\t''
ee-patch\t''
other\t''"
complete -c magedl -n "__fish_magedl_using_subcommand list" -l edition -d 'Only this edition: ce (ce-full, ce-patch) or ee (ee-full, ee-patch); other belongs to both (repeatable)' -r -f -a "ce\t'Magento Open Source (Community Edition)'
ee\t'Adobe Commerce (Enterprise Edition)'"
complete -c magedl -n "__fish_magedl_using_subcommand list" -l version -d 'Only files belonging to a version matching this glob (e.g. \'2.4.*\')' -r
complete -c magedl -n "__fish_magedl_using_subcommand list" -l format -d 'Output format' -r -f -a "table\t'aligned columns: name, type, versions, md5, title'
json\t'a JSON array of releases'
names\t'one file name a line'"
complete -c magedl -n "__fish_magedl_using_subcommand list" -l mage-id -d 'Your MAGEID (else MAGE_ID, netrc, or a prompt)' -r
complete -c magedl -n "__fish_magedl_using_subcommand list" -l token-file -d 'Read the download token from a file (`-` reads standard input; first line)' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand list" -l token -d 'The download token (visible to other users in the process list: prefer --token-file)' -r
complete -c magedl -n "__fish_magedl_using_subcommand list" -l endpoint -d 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]' -r
complete -c magedl -n "__fish_magedl_using_subcommand list" -l cacert -d 'Trust this CA certificate (PEM) in addition to the system roots' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand list" -l proxy -d 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)' -r
complete -c magedl -n "__fish_magedl_using_subcommand list" -l retries -d 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]' -r
complete -c magedl -n "__fish_magedl_using_subcommand list" -l timeout -d 'Idle read timeout in seconds [default: 30]' -r
complete -c magedl -n "__fish_magedl_using_subcommand list" -l connect-timeout -d 'Connect timeout in seconds [default: 30]' -r
complete -c magedl -n "__fish_magedl_using_subcommand list" -l latest -d 'Only the newest version per type'
complete -c magedl -n "__fish_magedl_using_subcommand list" -l json -d 'The same as --format json'
complete -c magedl -n "__fish_magedl_using_subcommand list" -l insecure -d 'Do not verify TLS certificates (warns on every run)'
complete -c magedl -n "__fish_magedl_using_subcommand list" -s v -l verbose -d 'Trace every request and response on standard error (never the token)'
complete -c magedl -n "__fish_magedl_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c magedl -n "__fish_magedl_using_subcommand versions" -l type -d 'Only versions of this type (repeatable)' -r -f -a "ce-full\t''
ce-patch\t''
ee-full\t''
ee-patch\t''
other\t''"
complete -c magedl -n "__fish_magedl_using_subcommand versions" -l edition -d 'Only versions of this edition (repeatable)' -r -f -a "ce\t'Magento Open Source (Community Edition)'
ee\t'Adobe Commerce (Enterprise Edition)'"
complete -c magedl -n "__fish_magedl_using_subcommand versions" -l mage-id -d 'Your MAGEID (else MAGE_ID, netrc, or a prompt)' -r
complete -c magedl -n "__fish_magedl_using_subcommand versions" -l token-file -d 'Read the download token from a file (`-` reads standard input; first line)' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand versions" -l token -d 'The download token (visible to other users in the process list: prefer --token-file)' -r
complete -c magedl -n "__fish_magedl_using_subcommand versions" -l endpoint -d 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]' -r
complete -c magedl -n "__fish_magedl_using_subcommand versions" -l cacert -d 'Trust this CA certificate (PEM) in addition to the system roots' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand versions" -l proxy -d 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)' -r
complete -c magedl -n "__fish_magedl_using_subcommand versions" -l retries -d 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]' -r
complete -c magedl -n "__fish_magedl_using_subcommand versions" -l timeout -d 'Idle read timeout in seconds [default: 30]' -r
complete -c magedl -n "__fish_magedl_using_subcommand versions" -l connect-timeout -d 'Connect timeout in seconds [default: 30]' -r
complete -c magedl -n "__fish_magedl_using_subcommand versions" -l insecure -d 'Do not verify TLS certificates (warns on every run)'
complete -c magedl -n "__fish_magedl_using_subcommand versions" -s v -l verbose -d 'Trace every request and response on standard error (never the token)'
complete -c magedl -n "__fish_magedl_using_subcommand versions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c magedl -n "__fish_magedl_using_subcommand download" -l type -d 'Only this type (repeatable)' -r -f -a "ce-full\t''
ce-patch\t''
ee-full\t''
ee-patch\t''
other\t''"
complete -c magedl -n "__fish_magedl_using_subcommand download" -l edition -d 'Only this edition: ce (ce-full, ce-patch) or ee (ee-full, ee-patch); other belongs to both (repeatable)' -r -f -a "ce\t'Magento Open Source (Community Edition)'
ee\t'Adobe Commerce (Enterprise Edition)'"
complete -c magedl -n "__fish_magedl_using_subcommand download" -l version -d 'Only files belonging to a version matching this glob (e.g. \'2.4.*\')' -r
complete -c magedl -n "__fish_magedl_using_subcommand download" -s i -l input-file -d 'Read names or globs from FILE, one a line (blank lines and # comments skipped; - = stdin)' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand download" -s o -l output-dir -d 'Output directory (not `-`: see --extract)' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand download" -l extract -d 'After a file is verified, unpack .zip, .tar.gz/.tgz, .tar.bz2 or .tar into DIR' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand download" -s j -l jobs -d 'Files at once' -r
complete -c magedl -n "__fish_magedl_using_subcommand download" -s s -l segments -d 'Connections per file (default: automatic; 1 turns segmenting off)' -r
complete -c magedl -n "__fish_magedl_using_subcommand download" -l max-size -d 'Refuse a file announced or streaming past SIZE (K, M, G suffixes)' -r
complete -c magedl -n "__fish_magedl_using_subcommand download" -l limit-rate -d 'Limit the whole run\'s download rate to RATE bytes per second (K, M, G suffixes), across all connections and files' -r
complete -c magedl -n "__fish_magedl_using_subcommand download" -l sha256 -d 'Expected SHA-256 (single file)' -r
complete -c magedl -n "__fish_magedl_using_subcommand download" -l md5 -d 'Expected MD5 (single file)' -r
complete -c magedl -n "__fish_magedl_using_subcommand download" -l checksums -d 'Expected checksums (sha256sum or md5sum output; - = stdin), instead of the catalog' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand download" -l mage-id -d 'Your MAGEID (else MAGE_ID, netrc, or a prompt)' -r
complete -c magedl -n "__fish_magedl_using_subcommand download" -l token-file -d 'Read the download token from a file (`-` reads standard input; first line)' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand download" -l token -d 'The download token (visible to other users in the process list: prefer --token-file)' -r
complete -c magedl -n "__fish_magedl_using_subcommand download" -l endpoint -d 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]' -r
complete -c magedl -n "__fish_magedl_using_subcommand download" -l cacert -d 'Trust this CA certificate (PEM) in addition to the system roots' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand download" -l proxy -d 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)' -r
complete -c magedl -n "__fish_magedl_using_subcommand download" -l retries -d 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]' -r
complete -c magedl -n "__fish_magedl_using_subcommand download" -l timeout -d 'Idle read timeout in seconds [default: 30]' -r
complete -c magedl -n "__fish_magedl_using_subcommand download" -l connect-timeout -d 'Connect timeout in seconds [default: 30]' -r
complete -c magedl -n "__fish_magedl_using_subcommand download" -l progress -d 'Progress display: bars on a terminal, plain lines in a log, JSON events for a wrapper [default: auto]' -r -f -a "auto\t'bar on a terminal, line otherwise'
bar\t'one bar per file under a total bar'
line\t'plain timestamped lines, for cron logs'
json\t'one JSON object a line (start, progress, retry, done, skipped, failed, summary)'
none\t'nothing'"
complete -c magedl -n "__fish_magedl_using_subcommand download" -l color -d 'Colored bars [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c magedl -n "__fish_magedl_using_subcommand download" -l latest -d 'Only the newest version per type'
complete -c magedl -n "__fish_magedl_using_subcommand download" -l wait -d 'Wait for another run writing into the directory instead of exiting 6'
complete -c magedl -n "__fish_magedl_using_subcommand download" -l json -d 'Print the report as JSON on standard output'
complete -c magedl -n "__fish_magedl_using_subcommand download" -l dry-run -d 'Print what would be fetched and exit'
complete -c magedl -n "__fish_magedl_using_subcommand download" -l require-checksum -d 'Fail (exit 4) for a file without any expected checksum'
complete -c magedl -n "__fish_magedl_using_subcommand download" -l no-verify -d 'Skip checksum verification'
complete -c magedl -n "__fish_magedl_using_subcommand download" -l force -d 'Download again even when a verified file is present (and overwrite extracted files)'
complete -c magedl -n "__fish_magedl_using_subcommand download" -l no-resume -d 'Discard partial data instead of resuming'
complete -c magedl -n "__fish_magedl_using_subcommand download" -l insecure -d 'Do not verify TLS certificates (warns on every run)'
complete -c magedl -n "__fish_magedl_using_subcommand download" -s v -l verbose -d 'Trace every request and response on standard error (never the token)'
complete -c magedl -n "__fish_magedl_using_subcommand download" -s q -l quiet -d 'No progress and no summary (verify: failures only); errors are still shown'
complete -c magedl -n "__fish_magedl_using_subcommand download" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l sha256 -d 'Expected SHA-256 (single file)' -r
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l md5 -d 'Expected MD5 (single file)' -r
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l checksums -d 'Expected checksums (sha256sum or md5sum output; - = stdin), instead of the catalog' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l mage-id -d 'Your MAGEID (else MAGE_ID, netrc, or a prompt)' -r
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l token-file -d 'Read the download token from a file (`-` reads standard input; first line)' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l token -d 'The download token (visible to other users in the process list: prefer --token-file)' -r
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l endpoint -d 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]' -r
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l cacert -d 'Trust this CA certificate (PEM) in addition to the system roots' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l proxy -d 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)' -r
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l retries -d 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]' -r
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l timeout -d 'Idle read timeout in seconds [default: 30]' -r
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l connect-timeout -d 'Connect timeout in seconds [default: 30]' -r
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l deep -d 'Also read every entry of .zip, .tar.gz/.tgz, .tar.bz2 and .tar archives to its end'
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l json -d 'Print the report as JSON on standard output'
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l require-checksum -d 'A file without any checksum to check against fails (exit 4)'
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l status -d 'Print nothing: the exit code tells'
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l strict -d 'A malformed line in the checksum file is an error (exit 2), not a warning'
complete -c magedl -n "__fish_magedl_using_subcommand verify" -l insecure -d 'Do not verify TLS certificates (warns on every run)'
complete -c magedl -n "__fish_magedl_using_subcommand verify" -s v -l verbose -d 'Trace every request and response on standard error (never the token)'
complete -c magedl -n "__fish_magedl_using_subcommand verify" -s q -l quiet -d 'No progress and no summary (verify: failures only); errors are still shown'
complete -c magedl -n "__fish_magedl_using_subcommand verify" -s h -l help -d 'Print help'
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l type -d 'Only this type (repeatable)' -r -f -a "ce-full\t''
ce-patch\t''
ee-full\t''
ee-patch\t''
other\t''"
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l edition -d 'Only this edition: ce (ce-full, ce-patch) or ee (ee-full, ee-patch); other belongs to both (repeatable)' -r -f -a "ce\t'Magento Open Source (Community Edition)'
ee\t'Adobe Commerce (Enterprise Edition)'"
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l version -d 'Only files belonging to a version matching this glob (e.g. \'2.4.*\')' -r
complete -c magedl -n "__fish_magedl_using_subcommand sync" -s i -l input-file -d 'Read names or globs from FILE, one a line (blank lines and # comments skipped; - = stdin)' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l metrics -d 'Write the run\'s metrics to FILE (Prometheus text format, for node_exporter\'s textfile collector)' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand sync" -s j -l jobs -d 'Files at once' -r
complete -c magedl -n "__fish_magedl_using_subcommand sync" -s s -l segments -d 'Connections per file (default: automatic; 1 turns segmenting off)' -r
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l max-size -d 'Refuse a file announced or streaming past SIZE (K, M, G suffixes)' -r
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l limit-rate -d 'Limit the whole run\'s download rate to RATE bytes per second (K, M, G suffixes), across all connections and files' -r
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l mage-id -d 'Your MAGEID (else MAGE_ID, netrc, or a prompt)' -r
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l token-file -d 'Read the download token from a file (`-` reads standard input; first line)' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l token -d 'The download token (visible to other users in the process list: prefer --token-file)' -r
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l endpoint -d 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]' -r
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l cacert -d 'Trust this CA certificate (PEM) in addition to the system roots' -r -F
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l proxy -d 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)' -r
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l retries -d 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]' -r
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l timeout -d 'Idle read timeout in seconds [default: 30]' -r
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l connect-timeout -d 'Connect timeout in seconds [default: 30]' -r
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l progress -d 'Progress display: bars on a terminal, plain lines in a log, JSON events for a wrapper [default: auto]' -r -f -a "auto\t'bar on a terminal, line otherwise'
bar\t'one bar per file under a total bar'
line\t'plain timestamped lines, for cron logs'
json\t'one JSON object a line (start, progress, retry, done, skipped, failed, summary)'
none\t'nothing'"
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l color -d 'Colored bars [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l latest -d 'Only the newest version per type'
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l prune -d 'Remove files that left the catalog (and the directories they leave empty)'
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l mirror -d 'Lay the directory out like the endpoint (info/..., file/...): a static mirror'
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l rehash -d 'Read and hash every present file, whatever the verification cache says'
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l wait -d 'Wait for another run writing into the directory instead of exiting 6'
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l json -d 'Print the report as JSON on standard output'
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l dry-run -d 'Print what would be fetched and exit'
complete -c magedl -n "__fish_magedl_using_subcommand sync" -l insecure -d 'Do not verify TLS certificates (warns on every run)'
complete -c magedl -n "__fish_magedl_using_subcommand sync" -s v -l verbose -d 'Trace every request and response on standard error (never the token)'
complete -c magedl -n "__fish_magedl_using_subcommand sync" -s q -l quiet -d 'No progress and no summary (verify: failures only); errors are still shown'
complete -c magedl -n "__fish_magedl_using_subcommand sync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c magedl -n "__fish_magedl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c magedl -n "__fish_magedl_using_subcommand help; and not __fish_seen_subcommand_from url info list versions download verify sync completions help" -f -a "url" -d 'Print the endpoint URL for PATH (default info/help), token masked'
complete -c magedl -n "__fish_magedl_using_subcommand help; and not __fish_seen_subcommand_from url info list versions download verify sync completions help" -f -a "info" -d 'Print the server\'s own answer: help, files, versions, json, or filter version|type VALUE'
complete -c magedl -n "__fish_magedl_using_subcommand help; and not __fish_seen_subcommand_from url info list versions download verify sync completions help" -f -a "list" -d 'List releases from the catalog'
complete -c magedl -n "__fish_magedl_using_subcommand help; and not __fish_seen_subcommand_from url info list versions download verify sync completions help" -f -a "versions" -d 'List versions, newest first (release versions, then those with patches only)'
complete -c magedl -n "__fish_magedl_using_subcommand help; and not __fish_seen_subcommand_from url info list versions download verify sync completions help" -f -a "download" -d 'Download files: parallel, segmented, resumable, verified'
complete -c magedl -n "__fish_magedl_using_subcommand help; and not __fish_seen_subcommand_from url info list versions download verify sync completions help" -f -a "verify" -d 'Check files against the catalog md5, a checksum file, or given checksums'
complete -c magedl -n "__fish_magedl_using_subcommand help; and not __fish_seen_subcommand_from url info list versions download verify sync completions help" -f -a "sync" -d 'Bring a directory up to date with the (filtered) catalog: the nightly job'
complete -c magedl -n "__fish_magedl_using_subcommand help; and not __fish_seen_subcommand_from url info list versions download verify sync completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c magedl -n "__fish_magedl_using_subcommand help; and not __fish_seen_subcommand_from url info list versions download verify sync completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
