
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'magedl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'magedl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'magedl' {
            [CompletionResult]::new('--mage-id', '--mage-id', [CompletionResultType]::ParameterName, 'Your MAGEID (else MAGE_ID, netrc, or a prompt)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the download token from a file (`-` reads standard input; first line)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The download token (visible to other users in the process list: prefer --token-file)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) in addition to the system roots')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Idle read timeout in seconds [default: 30]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Connect timeout in seconds [default: 30]')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'Progress display: bars on a terminal, plain lines in a log, JSON events for a wrapper [default: auto]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colored bars [default: auto]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (warns on every run)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace every request and response on standard error (never the token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace every request and response on standard error (never the token)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress and no summary (verify: failures only); errors are still shown')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress and no summary (verify: failures only); errors are still shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('url', 'url', [CompletionResultType]::ParameterValue, 'Print the endpoint URL for PATH (default info/help), token masked')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Print the server''s own answer: help, files, versions, json, or filter version|type VALUE')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List releases from the catalog')
            [CompletionResult]::new('versions', 'versions', [CompletionResultType]::ParameterValue, 'List versions, newest first (release versions, then those with patches only)')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Download files: parallel, segmented, resumable, verified')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check files against the catalog md5, a checksum file, or given checksums')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Bring a directory up to date with the (filtered) catalog: the nightly job')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'magedl;url' {
            [CompletionResult]::new('--mage-id', '--mage-id', [CompletionResultType]::ParameterName, 'Your MAGEID (else MAGE_ID, netrc, or a prompt)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the download token from a file (`-` reads standard input; first line)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The download token (visible to other users in the process list: prefer --token-file)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]')
            [CompletionResult]::new('--show-token', '--show-token', [CompletionResultType]::ParameterName, 'Print the real token in the URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'magedl;info' {
            [CompletionResult]::new('--mage-id', '--mage-id', [CompletionResultType]::ParameterName, 'Your MAGEID (else MAGE_ID, netrc, or a prompt)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the download token from a file (`-` reads standard input; first line)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The download token (visible to other users in the process list: prefer --token-file)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) in addition to the system roots')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Idle read timeout in seconds [default: 30]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Connect timeout in seconds [default: 30]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (warns on every run)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace every request and response on standard error (never the token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace every request and response on standard error (never the token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'magedl;list' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only this type (repeatable)')
            [CompletionResult]::new('--edition', '--edition', [CompletionResultType]::ParameterName, 'Only this edition: ce (ce-full, ce-patch) or ee (ee-full, ee-patch); other belongs to both (repeatable)')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Only files belonging to a version matching this glob (e.g. ''2.4.*'')')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--mage-id', '--mage-id', [CompletionResultType]::ParameterName, 'Your MAGEID (else MAGE_ID, netrc, or a prompt)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the download token from a file (`-` reads standard input; first line)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The download token (visible to other users in the process list: prefer --token-file)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) in addition to the system roots')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Idle read timeout in seconds [default: 30]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Connect timeout in seconds [default: 30]')
            [CompletionResult]::new('--latest', '--latest', [CompletionResultType]::ParameterName, 'Only the newest version per type')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'The same as --format json')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (warns on every run)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace every request and response on standard error (never the token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace every request and response on standard error (never the token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'magedl;versions' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only versions of this type (repeatable)')
            [CompletionResult]::new('--edition', '--edition', [CompletionResultType]::ParameterName, 'Only versions of this edition (repeatable)')
            [CompletionResult]::new('--mage-id', '--mage-id', [CompletionResultType]::ParameterName, 'Your MAGEID (else MAGE_ID, netrc, or a prompt)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the download token from a file (`-` reads standard input; first line)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The download token (visible to other users in the process list: prefer --token-file)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) in addition to the system roots')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Idle read timeout in seconds [default: 30]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Connect timeout in seconds [default: 30]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (warns on every run)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace every request and response on standard error (never the token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace every request and response on standard error (never the token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'magedl;download' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only this type (repeatable)')
            [CompletionResult]::new('--edition', '--edition', [CompletionResultType]::ParameterName, 'Only this edition: ce (ce-full, ce-patch) or ee (ee-full, ee-patch); other belongs to both (repeatable)')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Only files belonging to a version matching this glob (e.g. ''2.4.*'')')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Read names or globs from FILE, one a line (blank lines and # comments skipped; - = stdin)')
            [CompletionResult]::new('--input-file', '--input-file', [CompletionResultType]::ParameterName, 'Read names or globs from FILE, one a line (blank lines and # comments skipped; - = stdin)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output directory (not `-`: see --extract)')
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'Output directory (not `-`: see --extract)')
            [CompletionResult]::new('--extract', '--extract', [CompletionResultType]::ParameterName, 'After a file is verified, unpack .zip, .tar.gz/.tgz, .tar.bz2 or .tar into DIR')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Files at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Files at once')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Connections per file (default: automatic; 1 turns segmenting off)')
            [CompletionResult]::new('--segments', '--segments', [CompletionResultType]::ParameterName, 'Connections per file (default: automatic; 1 turns segmenting off)')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'Refuse a file announced or streaming past SIZE (K, M, G suffixes)')
            [CompletionResult]::new('--limit-rate', '--limit-rate', [CompletionResultType]::ParameterName, 'Limit the whole run''s download rate to RATE bytes per second (K, M, G suffixes), across all connections and files')
            [CompletionResult]::new('--sha256', '--sha256', [CompletionResultType]::ParameterName, 'Expected SHA-256 (single file)')
            [CompletionResult]::new('--md5', '--md5', [CompletionResultType]::ParameterName, 'Expected MD5 (single file)')
            [CompletionResult]::new('--checksums', '--checksums', [CompletionResultType]::ParameterName, 'Expected checksums (sha256sum or md5sum output; - = stdin), instead of the catalog')
            [CompletionResult]::new('--mage-id', '--mage-id', [CompletionResultType]::ParameterName, 'Your MAGEID (else MAGE_ID, netrc, or a prompt)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the download token from a file (`-` reads standard input; first line)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The download token (visible to other users in the process list: prefer --token-file)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) in addition to the system roots')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Idle read timeout in seconds [default: 30]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Connect timeout in seconds [default: 30]')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'Progress display: bars on a terminal, plain lines in a log, JSON events for a wrapper [default: auto]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colored bars [default: auto]')
            [CompletionResult]::new('--latest', '--latest', [CompletionResultType]::ParameterName, 'Only the newest version per type')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for another run writing into the directory instead of exiting 6')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the report as JSON on standard output')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be fetched and exit')
            [CompletionResult]::new('--require-checksum', '--require-checksum', [CompletionResultType]::ParameterName, 'Fail (exit 4) for a file without any expected checksum')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Skip checksum verification')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Download again even when a verified file is present (and overwrite extracted files)')
            [CompletionResult]::new('--no-resume', '--no-resume', [CompletionResultType]::ParameterName, 'Discard partial data instead of resuming')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (warns on every run)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace every request and response on standard error (never the token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace every request and response on standard error (never the token)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress and no summary (verify: failures only); errors are still shown')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress and no summary (verify: failures only); errors are still shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'magedl;verify' {
            [CompletionResult]::new('--sha256', '--sha256', [CompletionResultType]::ParameterName, 'Expected SHA-256 (single file)')
            [CompletionResult]::new('--md5', '--md5', [CompletionResultType]::ParameterName, 'Expected MD5 (single file)')
            [CompletionResult]::new('--checksums', '--checksums', [CompletionResultType]::ParameterName, 'Expected checksums (sha256sum or md5sum output; - = stdin), instead of the catalog')
            [CompletionResult]::new('--mage-id', '--mage-id', [CompletionResultType]::ParameterName, 'Your MAGEID (else MAGE_ID, netrc, or a prompt)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the download token from a file (`-` reads standard input; first line)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The download token (visible to other users in the process list: prefer --token-file)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) in addition to the system roots')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Idle read timeout in seconds [default: 30]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Connect timeout in seconds [default: 30]')
            [CompletionResult]::new('--deep', '--deep', [CompletionResultType]::ParameterName, 'Also read every entry of .zip, .tar.gz/.tgz, .tar.bz2 and .tar archives to its end')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the report as JSON on standard output')
            [CompletionResult]::new('--require-checksum', '--require-checksum', [CompletionResultType]::ParameterName, 'A file without any checksum to check against fails (exit 4)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Print nothing: the exit code tells')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'A malformed line in the checksum file is an error (exit 2), not a warning')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (warns on every run)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace every request and response on standard error (never the token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace every request and response on standard error (never the token)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress and no summary (verify: failures only); errors are still shown')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress and no summary (verify: failures only); errors are still shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'magedl;sync' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only this type (repeatable)')
            [CompletionResult]::new('--edition', '--edition', [CompletionResultType]::ParameterName, 'Only this edition: ce (ce-full, ce-patch) or ee (ee-full, ee-patch); other belongs to both (repeatable)')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Only files belonging to a version matching this glob (e.g. ''2.4.*'')')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Read names or globs from FILE, one a line (blank lines and # comments skipped; - = stdin)')
            [CompletionResult]::new('--input-file', '--input-file', [CompletionResultType]::ParameterName, 'Read names or globs from FILE, one a line (blank lines and # comments skipped; - = stdin)')
            [CompletionResult]::new('--metrics', '--metrics', [CompletionResultType]::ParameterName, 'Write the run''s metrics to FILE (Prometheus text format, for node_exporter''s textfile collector)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Files at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Files at once')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Connections per file (default: automatic; 1 turns segmenting off)')
            [CompletionResult]::new('--segments', '--segments', [CompletionResultType]::ParameterName, 'Connections per file (default: automatic; 1 turns segmenting off)')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'Refuse a file announced or streaming past SIZE (K, M, G suffixes)')
            [CompletionResult]::new('--limit-rate', '--limit-rate', [CompletionResultType]::ParameterName, 'Limit the whole run''s download rate to RATE bytes per second (K, M, G suffixes), across all connections and files')
            [CompletionResult]::new('--mage-id', '--mage-id', [CompletionResultType]::ParameterName, 'Your MAGEID (else MAGE_ID, netrc, or a prompt)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the download token from a file (`-` reads standard input; first line)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The download token (visible to other users in the process list: prefer --token-file)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) in addition to the system roots')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Idle read timeout in seconds [default: 30]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Connect timeout in seconds [default: 30]')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'Progress display: bars on a terminal, plain lines in a log, JSON events for a wrapper [default: auto]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colored bars [default: auto]')
            [CompletionResult]::new('--latest', '--latest', [CompletionResultType]::ParameterName, 'Only the newest version per type')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Remove files that left the catalog (and the directories they leave empty)')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Lay the directory out like the endpoint (info/..., file/...): a static mirror')
            [CompletionResult]::new('--rehash', '--rehash', [CompletionResultType]::ParameterName, 'Read and hash every present file, whatever the verification cache says')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for another run writing into the directory instead of exiting 6')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the report as JSON on standard output')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be fetched and exit')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (warns on every run)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace every request and response on standard error (never the token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace every request and response on standard error (never the token)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress and no summary (verify: failures only); errors are still shown')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress and no summary (verify: failures only); errors are still shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'magedl;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'magedl;help' {
            [CompletionResult]::new('url', 'url', [CompletionResultType]::ParameterValue, 'Print the endpoint URL for PATH (default info/help), token masked')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Print the server''s own answer: help, files, versions, json, or filter version|type VALUE')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List releases from the catalog')
            [CompletionResult]::new('versions', 'versions', [CompletionResultType]::ParameterValue, 'List versions, newest first (release versions, then those with patches only)')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Download files: parallel, segmented, resumable, verified')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check files against the catalog md5, a checksum file, or given checksums')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Bring a directory up to date with the (filtered) catalog: the nightly job')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'magedl;help;url' {
            break
        }
        'magedl;help;info' {
            break
        }
        'magedl;help;list' {
            break
        }
        'magedl;help;versions' {
            break
        }
        'magedl;help;download' {
            break
        }
        'magedl;help;verify' {
            break
        }
        'magedl;help;sync' {
            break
        }
        'magedl;help;completions' {
            break
        }
        'magedl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
