
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'mqtk' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'mqtk'
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
        'mqtk' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file: its settings apply where flags and environment variables give none')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (only here: after a subcommand, -h is the broker host, as in mosquitto)')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publish messages (flags as mosquitto_pub)')
            [CompletionResult]::new('sub', 'sub', [CompletionResultType]::ParameterValue, 'Subscribe to topics and print messages (flags as mosquitto_sub)')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Benchmark a broker: throughput, loss, duplicates, latency percentiles; CI thresholds')
            [CompletionResult]::new('rr', 'rr', [CompletionResultType]::ParameterValue, 'Send a request and print the response (MQTT 5 request/response, as mosquitto_rr)')
            [CompletionResult]::new('broker', 'broker', [CompletionResultType]::ParameterValue, 'Run an MQTT broker in this process (for demos, tests and CI jobs)')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'List and show connection profiles (passwords redacted)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqtk;pub' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Topic to publish to')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic to publish to')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Message payload')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Message payload')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Send the contents of FILE as the message')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Send the contents of FILE as the message')
            [CompletionResult]::new('--replay', '--replay', [CompletionResultType]::ParameterName, 'Publish the messages of a `mqtk sub --json` capture (- for standard input): their topics, payloads, QoS, retain flags and MQTT 5 properties')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for {{int}}, {{float}} and {{uuid}}, so a run can be repeated exactly')
            [CompletionResult]::new('--replay-speed', '--replay-speed', [CompletionResultType]::ParameterName, 'Keep the recorded spacing, sped up by FACTOR (1: as recorded, 2: twice as fast) [default: as fast as possible]')
            [CompletionResult]::new('--rewrite-prefix', '--rewrite-prefix', [CompletionResultType]::ParameterName, 'Replace the topic prefix FROM with TO')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Quality of service: 0, 1 or 2')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'Quality of service: 0, 1 or 2')
            [CompletionResult]::new('--repeat', '--repeat', [CompletionResultType]::ParameterName, 'Publish the message this many times (0: until interrupted)')
            [CompletionResult]::new('--repeat-delay', '--repeat-delay', [CompletionResultType]::ParameterName, 'Wait this long between repeated messages (seconds, or e.g. 5s, 500ms)')
            [CompletionResult]::new('-M', '-M ', [CompletionResultType]::ParameterName, 'Most QoS 1/2 messages awaiting acknowledgement at once (MQTT 5: capped by the broker''s Receive Maximum)')
            [CompletionResult]::new('--max-inflight', '--max-inflight', [CompletionResultType]::ParameterName, 'Most QoS 1/2 messages awaiting acknowledgement at once (MQTT 5: capped by the broker''s Receive Maximum)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host name or address (with -L: the later of the two wins)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host name or address (with -L: the later of the two wins)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Broker port [default: 1883; 8883 with TLS; 80/443 for ws/wss URLs]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Broker port [default: 1883; 8883 with TLS; 80/443 for ws/wss URLs]')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Broker URL: mqtt[s]://[user[:pass]@]host[:port]/topic or ws[s]://host[:port]/path')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Broker URL: mqtt[s]://[user[:pass]@]host[:port]/topic or ws[s]://host[:port]/path')
            [CompletionResult]::new('--unix', '--unix', [CompletionResultType]::ParameterName, 'Connect through a Unix domain socket instead of TCP')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Local address to connect from')
            [CompletionResult]::new('--bind-address', '--bind-address', [CompletionResultType]::ParameterName, 'Local address to connect from')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Client identifier [default: mqtk- and random characters]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Client identifier [default: mqtk- and random characters]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Client identifier prefix; the process id is appended')
            [CompletionResult]::new('--id-prefix', '--id-prefix', [CompletionResultType]::ParameterName, 'Client identifier prefix; the process id is appended')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'User name')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password (prefer --pw-file or the MQTK_PASSWORD environment variable, used only with a user name: arguments show in `ps`)')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password (prefer --pw-file or the MQTK_PASSWORD environment variable, used only with a user name: arguments show in `ps`)')
            [CompletionResult]::new('--pw-file', '--pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of FILE')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keepalive interval in seconds (0 disables it)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keepalive interval in seconds (0 disables it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'MQTT 5 session expiry interval in seconds; -1 or ∞: never [default with -c: never expires]. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'MQTT 5 session expiry interval in seconds; -1 or ∞: never [default with -c: never expires]. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (default), 5 or 31; also mqttv311, mqttv5, mqttv31, 3.1.1 and 3.1')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (default), 5 or 31; also mqttv311, mqttv5, mqttv31, 3.1.1 and 3.1')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'MQTT 5 property, as mosquitto''s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)')
            [CompletionResult]::new('--property', '--property', [CompletionResultType]::ParameterName, 'MQTT 5 property, as mosquitto''s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting after this long (e.g. 10, 5s, 500ms)')
            [CompletionResult]::new('--reconnect-attempts', '--reconnect-attempts', [CompletionResultType]::ParameterName, 'Reconnect attempts after a lost connection: a number, 0 (fail at once) or inf / -1 (never give up) [default: inf for sub and pub -l, which outlive broker restarts as mosquitto''s clients do; 10 otherwise]')
            [CompletionResult]::new('--reconnect-max-delay', '--reconnect-max-delay', [CompletionResultType]::ParameterName, 'Longest wait between reconnect attempts (backoff doubles from 100ms up to this)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Connect through a SOCKS5 proxy: socks5h://[user[:pass]@]host[:port] (port 1080 by default; the proxy resolves the broker''s name)')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Topic of the last will message, sent by the broker if mqtk disconnects unexpectedly')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Payload of the last will message')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'QoS of the last will message')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'CA certificates (PEM) to verify the broker with; turns TLS on')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'Directory of CA certificates (PEM); turns TLS on')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for certificate authentication')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--tls-version', '--tls-version', [CompletionResultType]::ParameterName, 'Lowest TLS version to accept: tlsv1.2 or tlsv1.3 (TLS 1.1 and older are refused: rustls does not speak them)')
            [CompletionResult]::new('--ciphers', '--ciphers', [CompletionResultType]::ParameterName, 'TLS 1.2 cipher suites to offer, colon-separated, in OpenSSL (ECDHE-RSA-AES128-GCM-SHA256) or IANA (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) spelling; TLS 1.3 suites are kept')
            [CompletionResult]::new('--tls-alpn', '--tls-alpn', [CompletionResultType]::ParameterName, 'TLS ALPN protocol to offer')
            [CompletionResult]::new('--psk', '--psk', [CompletionResultType]::ParameterName, 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason')
            [CompletionResult]::new('--psk-identity', '--psk-identity', [CompletionResultType]::ParameterName, 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason')
            [CompletionResult]::new('--tls-engine', '--tls-engine', [CompletionResultType]::ParameterName, 'Not supported by this build (no OpenSSL engines): refused with a one-line reason')
            [CompletionResult]::new('--tls-engine-kpass-sha1', '--tls-engine-kpass-sha1', [CompletionResultType]::ParameterName, 'Not supported by this build (no OpenSSL engines): refused with a one-line reason')
            [CompletionResult]::new('--keyform', '--keyform', [CompletionResultType]::ParameterName, 'Not supported by this build (keys are PEM files): refused with a one-line reason')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file: its settings apply where flags and environment variables give none')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Read standard input whole and send it as one message')
            [CompletionResult]::new('--stdin-file', '--stdin-file', [CompletionResultType]::ParameterName, 'Read standard input whole and send it as one message')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Read standard input and send each line as a message')
            [CompletionResult]::new('--stdin-line', '--stdin-line', [CompletionResultType]::ParameterName, 'Read standard input and send each line as a message')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Send an empty (null) message')
            [CompletionResult]::new('--null-message', '--null-message', [CompletionResultType]::ParameterName, 'Send an empty (null) message')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'Expand {{...}} placeholders in the payload for every message: {{seq}} {{index}} {{int LO HI}} {{float LO HI [DECIMALS]}} {{now [STRFTIME]}} {{unix}} {{unix_ms}} {{uuid}} {{client_id}} {{topic}} {{env NAME}} {{line}} {{"TEXT"}} (with -l: each line is a template)')
            [CompletionResult]::new('--check-json', '--check-json', [CompletionResultType]::ParameterName, 'Refuse (exit 2) a payload that is not a JSON document, checked per message')
            [CompletionResult]::new('--skip-bad-lines', '--skip-bad-lines', [CompletionResultType]::ParameterName, 'Skip (and report) capture lines that are not messages instead of stopping')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Ask the broker to retain the message')
            [CompletionResult]::new('--retain', '--retain', [CompletionResultType]::ParameterName, 'Ask the broker to retain the message')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (persistent session; needs -i)')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (persistent session; needs -i)')
            [CompletionResult]::new('--nodelay', '--nodelay', [CompletionResultType]::ParameterName, 'Accepted for mosquitto compatibility: mqtk always disables Nagle''s algorithm')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print a packet trace on stderr (passwords redacted)')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print a packet trace on stderr (passwords redacted)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr (errors still show)')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the last will message')
            [CompletionResult]::new('--tls-use-os-certs', '--tls-use-os-certs', [CompletionResultType]::ParameterName, 'Use the operating system''s CA certificates (the default for mqtts:// without --cafile)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check that the broker''s certificate names the host (as mosquitto''s --insecure); the certificate must still be signed by a trusted CA')
            [CompletionResult]::new('--danger-accept-invalid-certs', '--danger-accept-invalid-certs', [CompletionResultType]::ParameterName, 'Accept ANY certificate: no CA, expiry or host name check at all. Anyone on the path can read and change the traffic; for throw-away test brokers only')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqtk;sub' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Topic filter to subscribe to (repeatable; + and # wildcards, $share/GROUP/... accepted)')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic filter to subscribe to (repeatable; + and # wildcards, $share/GROUP/... accepted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Quality of service to subscribe with: 0, 1 or 2')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'Quality of service to subscribe with: 0, 1 or 2')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Exit after printing COUNT messages (only those are acknowledged; the rest stay queued)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Exit after printing COUNT messages (only those are acknowledged; the rest stay queued)')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'Stop after this long (counted from connecting) and exit with code 27, as mosquitto_sub')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop after this long (counted from connecting) and exit with code 27, as mosquitto_sub')
            [CompletionResult]::new('--retain-handling', '--retain-handling', [CompletionResultType]::ParameterName, 'MQTT 5 retain handling: 0 send retained, 1 only for new subscriptions, 2 never')
            [CompletionResult]::new('-T', '-T ', [CompletionResultType]::ParameterName, 'Do not print messages whose topic matches FILTER (repeatable)')
            [CompletionResult]::new('--filter-out', '--filter-out', [CompletionResultType]::ParameterName, 'Do not print messages whose topic matches FILTER (repeatable)')
            [CompletionResult]::new('-U', '-U ', [CompletionResultType]::ParameterName, 'Unsubscribe from FILTER (repeatable; useful with -c to clear a persistent session)')
            [CompletionResult]::new('--unsubscribe', '--unsubscribe', [CompletionResultType]::ParameterName, 'Unsubscribe from FILTER (repeatable; useful with -c to clear a persistent session)')
            [CompletionResult]::new('--random-filter', '--random-filter', [CompletionResultType]::ParameterName, 'Print only this percentage of the messages, picked at random (0.1 to 100, e.g. 10 or 0.5)')
            [CompletionResult]::new('--respond', '--respond', [CompletionResultType]::ParameterName, 'MQTT 5: answer each message with a response topic by running CMD (via sh -c) with the payload on standard input, and publishing its output to that topic with the request''s correlation data')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Print each message with a format string (mosquitto_sub''s %-specifiers and escapes, and %{FIELD} for a field of a JSON payload: %{Value}, %{a.b.0}, %{/a/b/0}; wins over -v, as in mosquitto_sub)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Print each message with a format string (mosquitto_sub''s %-specifiers and escapes, and %{FIELD} for a field of a JSON payload: %{Value}, %{a.b.0}, %{/a/b/0}; wins over -v, as in mosquitto_sub)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour output: auto (only on a terminal, and not with NO_COLOR set), always or never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host name or address (with -L: the later of the two wins)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host name or address (with -L: the later of the two wins)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Broker port [default: 1883; 8883 with TLS; 80/443 for ws/wss URLs]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Broker port [default: 1883; 8883 with TLS; 80/443 for ws/wss URLs]')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Broker URL: mqtt[s]://[user[:pass]@]host[:port]/topic or ws[s]://host[:port]/path')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Broker URL: mqtt[s]://[user[:pass]@]host[:port]/topic or ws[s]://host[:port]/path')
            [CompletionResult]::new('--unix', '--unix', [CompletionResultType]::ParameterName, 'Connect through a Unix domain socket instead of TCP')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Local address to connect from')
            [CompletionResult]::new('--bind-address', '--bind-address', [CompletionResultType]::ParameterName, 'Local address to connect from')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Client identifier [default: mqtk- and random characters]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Client identifier [default: mqtk- and random characters]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Client identifier prefix; the process id is appended')
            [CompletionResult]::new('--id-prefix', '--id-prefix', [CompletionResultType]::ParameterName, 'Client identifier prefix; the process id is appended')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'User name')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password (prefer --pw-file or the MQTK_PASSWORD environment variable, used only with a user name: arguments show in `ps`)')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password (prefer --pw-file or the MQTK_PASSWORD environment variable, used only with a user name: arguments show in `ps`)')
            [CompletionResult]::new('--pw-file', '--pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of FILE')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keepalive interval in seconds (0 disables it)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keepalive interval in seconds (0 disables it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'MQTT 5 session expiry interval in seconds; -1 or ∞: never [default with -c: never expires]. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'MQTT 5 session expiry interval in seconds; -1 or ∞: never [default with -c: never expires]. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (default), 5 or 31; also mqttv311, mqttv5, mqttv31, 3.1.1 and 3.1')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (default), 5 or 31; also mqttv311, mqttv5, mqttv31, 3.1.1 and 3.1')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'MQTT 5 property, as mosquitto''s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)')
            [CompletionResult]::new('--property', '--property', [CompletionResultType]::ParameterName, 'MQTT 5 property, as mosquitto''s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting after this long (e.g. 10, 5s, 500ms)')
            [CompletionResult]::new('--reconnect-attempts', '--reconnect-attempts', [CompletionResultType]::ParameterName, 'Reconnect attempts after a lost connection: a number, 0 (fail at once) or inf / -1 (never give up) [default: inf for sub and pub -l, which outlive broker restarts as mosquitto''s clients do; 10 otherwise]')
            [CompletionResult]::new('--reconnect-max-delay', '--reconnect-max-delay', [CompletionResultType]::ParameterName, 'Longest wait between reconnect attempts (backoff doubles from 100ms up to this)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Connect through a SOCKS5 proxy: socks5h://[user[:pass]@]host[:port] (port 1080 by default; the proxy resolves the broker''s name)')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Topic of the last will message, sent by the broker if mqtk disconnects unexpectedly')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Payload of the last will message')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'QoS of the last will message')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'CA certificates (PEM) to verify the broker with; turns TLS on')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'Directory of CA certificates (PEM); turns TLS on')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for certificate authentication')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--tls-version', '--tls-version', [CompletionResultType]::ParameterName, 'Lowest TLS version to accept: tlsv1.2 or tlsv1.3 (TLS 1.1 and older are refused: rustls does not speak them)')
            [CompletionResult]::new('--ciphers', '--ciphers', [CompletionResultType]::ParameterName, 'TLS 1.2 cipher suites to offer, colon-separated, in OpenSSL (ECDHE-RSA-AES128-GCM-SHA256) or IANA (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) spelling; TLS 1.3 suites are kept')
            [CompletionResult]::new('--tls-alpn', '--tls-alpn', [CompletionResultType]::ParameterName, 'TLS ALPN protocol to offer')
            [CompletionResult]::new('--psk', '--psk', [CompletionResultType]::ParameterName, 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason')
            [CompletionResult]::new('--psk-identity', '--psk-identity', [CompletionResultType]::ParameterName, 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason')
            [CompletionResult]::new('--tls-engine', '--tls-engine', [CompletionResultType]::ParameterName, 'Not supported by this build (no OpenSSL engines): refused with a one-line reason')
            [CompletionResult]::new('--tls-engine-kpass-sha1', '--tls-engine-kpass-sha1', [CompletionResultType]::ParameterName, 'Not supported by this build (no OpenSSL engines): refused with a one-line reason')
            [CompletionResult]::new('--keyform', '--keyform', [CompletionResultType]::ParameterName, 'Not supported by this build (keys are PEM files): refused with a one-line reason')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file: its settings apply where flags and environment variables give none')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Do not print retained (stale) messages')
            [CompletionResult]::new('--no-retained', '--no-retained', [CompletionResultType]::ParameterName, 'Do not print retained (stale) messages')
            [CompletionResult]::new('--retained-only', '--retained-only', [CompletionResultType]::ParameterName, 'Print only retained messages, and exit at the first message that is not retained')
            [CompletionResult]::new('--remove-retained', '--remove-retained', [CompletionResultType]::ParameterName, 'Clear every retained message received (publishes an empty retained message to its topic)')
            [CompletionResult]::new('--retain-as-published', '--retain-as-published', [CompletionResultType]::ParameterName, 'MQTT 5: keep the retain flag as published')
            [CompletionResult]::new('--no-local', '--no-local', [CompletionResultType]::ParameterName, 'MQTT 5: do not receive messages this client published')
            [CompletionResult]::new('-E', '-E ', [CompletionResultType]::ParameterName, 'Exit once subscribed')
            [CompletionResult]::new('--exit-after-subscribe', '--exit-after-subscribe', [CompletionResultType]::ParameterName, 'Exit once subscribed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print `topic payload` (`topic (null)` for an empty payload, as mosquitto_sub)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print `topic payload` (`topic (null)` for an empty payload, as mosquitto_sub)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per message (NDJSON)')
            [CompletionResult]::new('--require-fields', '--require-fields', [CompletionResultType]::ParameterName, 'With -F %{FIELD}: a payload that is not JSON or lacks the field ends mqtk sub with an error (exit 1) instead of printing an empty value')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indent --json output, and -F''s %j/%J objects as mosquitto_sub --pretty does')
            [CompletionResult]::new('-N', '-N ', [CompletionResultType]::ParameterName, 'Do not print a newline after each message')
            [CompletionResult]::new('--no-eol', '--no-eol', [CompletionResultType]::ParameterName, 'Do not print a newline after each message')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (persistent session; needs -i)')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (persistent session; needs -i)')
            [CompletionResult]::new('--nodelay', '--nodelay', [CompletionResultType]::ParameterName, 'Accepted for mosquitto compatibility: mqtk always disables Nagle''s algorithm')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print a packet trace on stderr (passwords redacted)')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print a packet trace on stderr (passwords redacted)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr (errors still show)')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the last will message')
            [CompletionResult]::new('--tls-use-os-certs', '--tls-use-os-certs', [CompletionResultType]::ParameterName, 'Use the operating system''s CA certificates (the default for mqtts:// without --cafile)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check that the broker''s certificate names the host (as mosquitto''s --insecure); the certificate must still be signed by a trusted CA')
            [CompletionResult]::new('--danger-accept-invalid-certs', '--danger-accept-invalid-certs', [CompletionResultType]::ParameterName, 'Accept ANY certificate: no CA, expiry or host name check at all. Anyone on the path can read and change the traffic; for throw-away test brokers only')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqtk;bench' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host name or address (with -L: the later of the two wins)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host name or address (with -L: the later of the two wins)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Broker port [default: 1883; 8883 with TLS; 80/443 for ws/wss URLs]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Broker port [default: 1883; 8883 with TLS; 80/443 for ws/wss URLs]')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Broker URL: mqtt[s]://[user[:pass]@]host[:port]/topic or ws[s]://host[:port]/path')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Broker URL: mqtt[s]://[user[:pass]@]host[:port]/topic or ws[s]://host[:port]/path')
            [CompletionResult]::new('--unix', '--unix', [CompletionResultType]::ParameterName, 'Connect through a Unix domain socket instead of TCP')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Local address to connect from')
            [CompletionResult]::new('--bind-address', '--bind-address', [CompletionResultType]::ParameterName, 'Local address to connect from')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Client identifier [default: mqtk- and random characters]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Client identifier [default: mqtk- and random characters]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Client identifier prefix; the process id is appended')
            [CompletionResult]::new('--id-prefix', '--id-prefix', [CompletionResultType]::ParameterName, 'Client identifier prefix; the process id is appended')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'User name')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password (prefer --pw-file or the MQTK_PASSWORD environment variable, used only with a user name: arguments show in `ps`)')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password (prefer --pw-file or the MQTK_PASSWORD environment variable, used only with a user name: arguments show in `ps`)')
            [CompletionResult]::new('--pw-file', '--pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of FILE')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keepalive interval in seconds (0 disables it)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keepalive interval in seconds (0 disables it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'MQTT 5 session expiry interval in seconds; -1 or ∞: never [default with -c: never expires]. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'MQTT 5 session expiry interval in seconds; -1 or ∞: never [default with -c: never expires]. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (default), 5 or 31; also mqttv311, mqttv5, mqttv31, 3.1.1 and 3.1')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (default), 5 or 31; also mqttv311, mqttv5, mqttv31, 3.1.1 and 3.1')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'MQTT 5 property, as mosquitto''s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)')
            [CompletionResult]::new('--property', '--property', [CompletionResultType]::ParameterName, 'MQTT 5 property, as mosquitto''s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting after this long (e.g. 10, 5s, 500ms)')
            [CompletionResult]::new('--reconnect-attempts', '--reconnect-attempts', [CompletionResultType]::ParameterName, 'Reconnect attempts after a lost connection: a number, 0 (fail at once) or inf / -1 (never give up) [default: inf for sub and pub -l, which outlive broker restarts as mosquitto''s clients do; 10 otherwise]')
            [CompletionResult]::new('--reconnect-max-delay', '--reconnect-max-delay', [CompletionResultType]::ParameterName, 'Longest wait between reconnect attempts (backoff doubles from 100ms up to this)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Connect through a SOCKS5 proxy: socks5h://[user[:pass]@]host[:port] (port 1080 by default; the proxy resolves the broker''s name)')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Topic of the last will message, sent by the broker if mqtk disconnects unexpectedly')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Payload of the last will message')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'QoS of the last will message')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'CA certificates (PEM) to verify the broker with; turns TLS on')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'Directory of CA certificates (PEM); turns TLS on')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for certificate authentication')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--tls-version', '--tls-version', [CompletionResultType]::ParameterName, 'Lowest TLS version to accept: tlsv1.2 or tlsv1.3 (TLS 1.1 and older are refused: rustls does not speak them)')
            [CompletionResult]::new('--ciphers', '--ciphers', [CompletionResultType]::ParameterName, 'TLS 1.2 cipher suites to offer, colon-separated, in OpenSSL (ECDHE-RSA-AES128-GCM-SHA256) or IANA (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) spelling; TLS 1.3 suites are kept')
            [CompletionResult]::new('--tls-alpn', '--tls-alpn', [CompletionResultType]::ParameterName, 'TLS ALPN protocol to offer')
            [CompletionResult]::new('--psk', '--psk', [CompletionResultType]::ParameterName, 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason')
            [CompletionResult]::new('--psk-identity', '--psk-identity', [CompletionResultType]::ParameterName, 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason')
            [CompletionResult]::new('--tls-engine', '--tls-engine', [CompletionResultType]::ParameterName, 'Not supported by this build (no OpenSSL engines): refused with a one-line reason')
            [CompletionResult]::new('--tls-engine-kpass-sha1', '--tls-engine-kpass-sha1', [CompletionResultType]::ParameterName, 'Not supported by this build (no OpenSSL engines): refused with a one-line reason')
            [CompletionResult]::new('--keyform', '--keyform', [CompletionResultType]::ParameterName, 'Not supported by this build (keys are PEM files): refused with a one-line reason')
            [CompletionResult]::new('--publishers', '--publishers', [CompletionResultType]::ParameterName, 'Number of publishing clients')
            [CompletionResult]::new('--pubs', '--pubs', [CompletionResultType]::ParameterName, 'Number of publishing clients')
            [CompletionResult]::new('--subscribers', '--subscribers', [CompletionResultType]::ParameterName, 'Number of subscribing clients')
            [CompletionResult]::new('--subs', '--subs', [CompletionResultType]::ParameterName, 'Number of subscribing clients')
            [CompletionResult]::new('--connections', '--connections', [CompletionResultType]::ParameterName, 'Number of connections `bench conn` opens')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Messages per publisher; `bench sub`: messages expected per subscriber (it stops once they arrived, and counts the ones missing at the end as lost) [default: a 10 s run with 1 s of warm-up when neither --messages nor --duration is given]')
            [CompletionResult]::new('--messages', '--messages', [CompletionResultType]::ParameterName, 'Messages per publisher; `bench sub`: messages expected per subscriber (it stops once they arrived, and counts the ones missing at the end as lost) [default: a 10 s run with 1 s of warm-up when neither --messages nor --duration is given]')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Run for this long (e.g. 30s, 2m); with --messages, whichever ends first')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Message size in bytes, at least the 24-byte bench header')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Message size in bytes, at least the 24-byte bench header')
            [CompletionResult]::new('--payload-template', '--payload-template', [CompletionResultType]::ParameterName, 'The body after the bench header: a payload template (as `pub --template`: {{int 0 100}}, {{now}}, {{uuid}}, ...), expanded per message and padded with spaces to --size')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Quality of service: 0, 1 or 2')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'Quality of service: 0, 1 or 2')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Messages per second per publisher (0: as fast as possible). Latency is then measured from each message''s intended send time, so broker stalls show in the percentiles')
            [CompletionResult]::new('--sub-rate', '--sub-rate', [CompletionResultType]::ParameterName, 'Subscribers read at most this many messages per second each (0: as fast as possible); simulates slow consumers, e.g. to see what a broker drops')
            [CompletionResult]::new('--total-rate', '--total-rate', [CompletionResultType]::ParameterName, 'Messages per second over all publishers, shared evenly (instead of --rate)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Topic template: %i is the client index, %c the client id (one topic per publisher by default; give a topic without % for all publishers to share it). `bench sub` also takes a filter here')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic template: %i is the client index, %c the client id (one topic per publisher by default; give a topic without % for all publishers to share it). `bench sub` also takes a filter here')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Subscriber topic filter [default: the topic template with %-levels replaced by +]')
            [CompletionResult]::new('-M', '-M ', [CompletionResultType]::ParameterName, 'Most unacknowledged QoS 1/2 messages per publisher')
            [CompletionResult]::new('--max-inflight', '--max-inflight', [CompletionResultType]::ParameterName, 'Most unacknowledged QoS 1/2 messages per publisher')
            [CompletionResult]::new('--connect-rate', '--connect-rate', [CompletionResultType]::ParameterName, 'Connections opened per second (0: as fast as possible)')
            [CompletionResult]::new('--hold', '--hold', [CompletionResultType]::ParameterName, '`bench conn`: how long to hold the connections open')
            [CompletionResult]::new('--warmup', '--warmup', [CompletionResultType]::ParameterName, 'Leave this long out of rates, latency and counts at the start [default: 1s for the default 10 s run, 0 otherwise]')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'After the publishers finish, wait at most this long for messages still on their way')
            [CompletionResult]::new('--source-addr', '--source-addr', [CompletionResultType]::ParameterName, 'Local addresses to connect from, used in turn (e.g. 127.0.0.2,127.0.0.3), to open more connections to one broker address than one source address has ports')
            [CompletionResult]::new('--run-id', '--run-id', [CompletionResultType]::ParameterName, 'Run identifier written into every message header [default: random]: with one per process, several `bench pub` processes into one `bench sub` are told apart')
            [CompletionResult]::new('--publisher-offset', '--publisher-offset', [CompletionResultType]::ParameterName, 'Number the publishers of this process from N (e.g. 100 for a second process of 100 publishers), so publisher indices are unique across processes')
            [CompletionResult]::new('--broker-pid', '--broker-pid', [CompletionResultType]::ParameterName, 'Process id of a broker on this machine: report its CPU use and resident memory over the run, to tell a saturated broker from a saturated generator (Linux)')
            [CompletionResult]::new('--assert', '--assert', [CompletionResultType]::ParameterName, 'Check a threshold after the run, e.g. ''p99 < 20ms'', ''lost == 0'', ''rate >= 50k'' (repeatable); any failure exits 7')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file: its settings apply where flags and environment variables give none')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (persistent session; needs -i)')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (persistent session; needs -i)')
            [CompletionResult]::new('--nodelay', '--nodelay', [CompletionResultType]::ParameterName, 'Accepted for mosquitto compatibility: mqtk always disables Nagle''s algorithm')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print a packet trace on stderr (passwords redacted)')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print a packet trace on stderr (passwords redacted)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr (errors still show)')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the last will message')
            [CompletionResult]::new('--tls-use-os-certs', '--tls-use-os-certs', [CompletionResultType]::ParameterName, 'Use the operating system''s CA certificates (the default for mqtts:// without --cafile)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check that the broker''s certificate names the host (as mosquitto''s --insecure); the certificate must still be signed by a trusted CA')
            [CompletionResult]::new('--danger-accept-invalid-certs', '--danger-accept-invalid-certs', [CompletionResultType]::ParameterName, 'Accept ANY certificate: no CA, expiry or host name check at all. Anyone on the path can read and change the traffic; for throw-away test brokers only')
            [CompletionResult]::new('--embedded-broker', '--embedded-broker', [CompletionResultType]::ParameterName, 'Start an embedded broker (`mqtk broker`) on a free loopback port and benchmark it; never implied, so a benchmark of a real broker cannot measure the embedded one by mistake')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Publish with the retain flag')
            [CompletionResult]::new('--retain', '--retain', [CompletionResultType]::ParameterName, 'Publish with the retain flag')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON result document on stdout')
            [CompletionResult]::new('--csv', '--csv', [CompletionResultType]::ParameterName, 'Print a CSV header and one row for the run on stdout')
            [CompletionResult]::new('--per-client', '--per-client', [CompletionResultType]::ParameterName, 'Add a row per client to the report')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqtk;rr' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host name or address (with -L: the later of the two wins)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host name or address (with -L: the later of the two wins)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Broker port [default: 1883; 8883 with TLS; 80/443 for ws/wss URLs]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Broker port [default: 1883; 8883 with TLS; 80/443 for ws/wss URLs]')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Broker URL: mqtt[s]://[user[:pass]@]host[:port]/topic or ws[s]://host[:port]/path')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Broker URL: mqtt[s]://[user[:pass]@]host[:port]/topic or ws[s]://host[:port]/path')
            [CompletionResult]::new('--unix', '--unix', [CompletionResultType]::ParameterName, 'Connect through a Unix domain socket instead of TCP')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Local address to connect from')
            [CompletionResult]::new('--bind-address', '--bind-address', [CompletionResultType]::ParameterName, 'Local address to connect from')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Client identifier [default: mqtk- and random characters]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Client identifier [default: mqtk- and random characters]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Client identifier prefix; the process id is appended')
            [CompletionResult]::new('--id-prefix', '--id-prefix', [CompletionResultType]::ParameterName, 'Client identifier prefix; the process id is appended')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'User name')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password (prefer --pw-file or the MQTK_PASSWORD environment variable, used only with a user name: arguments show in `ps`)')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password (prefer --pw-file or the MQTK_PASSWORD environment variable, used only with a user name: arguments show in `ps`)')
            [CompletionResult]::new('--pw-file', '--pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of FILE')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keepalive interval in seconds (0 disables it)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keepalive interval in seconds (0 disables it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'MQTT 5 session expiry interval in seconds; -1 or ∞: never [default with -c: never expires]. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'MQTT 5 session expiry interval in seconds; -1 or ∞: never [default with -c: never expires]. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (default), 5 or 31; also mqttv311, mqttv5, mqttv31, 3.1.1 and 3.1')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (default), 5 or 31; also mqttv311, mqttv5, mqttv31, 3.1.1 and 3.1')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'MQTT 5 property, as mosquitto''s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)')
            [CompletionResult]::new('--property', '--property', [CompletionResultType]::ParameterName, 'MQTT 5 property, as mosquitto''s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting after this long (e.g. 10, 5s, 500ms)')
            [CompletionResult]::new('--reconnect-attempts', '--reconnect-attempts', [CompletionResultType]::ParameterName, 'Reconnect attempts after a lost connection: a number, 0 (fail at once) or inf / -1 (never give up) [default: inf for sub and pub -l, which outlive broker restarts as mosquitto''s clients do; 10 otherwise]')
            [CompletionResult]::new('--reconnect-max-delay', '--reconnect-max-delay', [CompletionResultType]::ParameterName, 'Longest wait between reconnect attempts (backoff doubles from 100ms up to this)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Connect through a SOCKS5 proxy: socks5h://[user[:pass]@]host[:port] (port 1080 by default; the proxy resolves the broker''s name)')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Topic of the last will message, sent by the broker if mqtk disconnects unexpectedly')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Payload of the last will message')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'QoS of the last will message')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'CA certificates (PEM) to verify the broker with; turns TLS on')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'Directory of CA certificates (PEM); turns TLS on')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for certificate authentication')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--tls-version', '--tls-version', [CompletionResultType]::ParameterName, 'Lowest TLS version to accept: tlsv1.2 or tlsv1.3 (TLS 1.1 and older are refused: rustls does not speak them)')
            [CompletionResult]::new('--ciphers', '--ciphers', [CompletionResultType]::ParameterName, 'TLS 1.2 cipher suites to offer, colon-separated, in OpenSSL (ECDHE-RSA-AES128-GCM-SHA256) or IANA (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) spelling; TLS 1.3 suites are kept')
            [CompletionResult]::new('--tls-alpn', '--tls-alpn', [CompletionResultType]::ParameterName, 'TLS ALPN protocol to offer')
            [CompletionResult]::new('--psk', '--psk', [CompletionResultType]::ParameterName, 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason')
            [CompletionResult]::new('--psk-identity', '--psk-identity', [CompletionResultType]::ParameterName, 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason')
            [CompletionResult]::new('--tls-engine', '--tls-engine', [CompletionResultType]::ParameterName, 'Not supported by this build (no OpenSSL engines): refused with a one-line reason')
            [CompletionResult]::new('--tls-engine-kpass-sha1', '--tls-engine-kpass-sha1', [CompletionResultType]::ParameterName, 'Not supported by this build (no OpenSSL engines): refused with a one-line reason')
            [CompletionResult]::new('--keyform', '--keyform', [CompletionResultType]::ParameterName, 'Not supported by this build (keys are PEM files): refused with a one-line reason')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Topic to send the request to')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic to send the request to')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Topic to receive the response on (sent as the request''s response topic)')
            [CompletionResult]::new('--response-topic', '--response-topic', [CompletionResultType]::ParameterName, 'Topic to receive the response on (sent as the request''s response topic)')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Request payload')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Request payload')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Send the contents of FILE as the request')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Send the contents of FILE as the request')
            [CompletionResult]::new('--correlation-data', '--correlation-data', [CompletionResultType]::ParameterName, 'Correlation data of the request [default: 32 random hex digits]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Quality of service of the request and the response subscription: 0, 1 or 2')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'Quality of service of the request and the response subscription: 0, 1 or 2')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Exit after COUNT matching responses')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Exit after COUNT matching responses')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'Give up waiting after this long (counted from connecting) and exit with code 27')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (counted from connecting) and exit with code 27')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Print each message with a format string (mosquitto_sub''s %-specifiers and escapes, and %{FIELD} for a field of a JSON payload: %{Value}, %{a.b.0}, %{/a/b/0}; wins over -v, as in mosquitto_sub)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Print each message with a format string (mosquitto_sub''s %-specifiers and escapes, and %{FIELD} for a field of a JSON payload: %{Value}, %{a.b.0}, %{/a/b/0}; wins over -v, as in mosquitto_sub)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour output: auto (only on a terminal, and not with NO_COLOR set), always or never')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file: its settings apply where flags and environment variables give none')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (persistent session; needs -i)')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (persistent session; needs -i)')
            [CompletionResult]::new('--nodelay', '--nodelay', [CompletionResultType]::ParameterName, 'Accepted for mosquitto compatibility: mqtk always disables Nagle''s algorithm')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print a packet trace on stderr (passwords redacted)')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print a packet trace on stderr (passwords redacted)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr (errors still show)')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the last will message')
            [CompletionResult]::new('--tls-use-os-certs', '--tls-use-os-certs', [CompletionResultType]::ParameterName, 'Use the operating system''s CA certificates (the default for mqtts:// without --cafile)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check that the broker''s certificate names the host (as mosquitto''s --insecure); the certificate must still be signed by a trusted CA')
            [CompletionResult]::new('--danger-accept-invalid-certs', '--danger-accept-invalid-certs', [CompletionResultType]::ParameterName, 'Accept ANY certificate: no CA, expiry or host name check at all. Anyone on the path can read and change the traffic; for throw-away test brokers only')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Read standard input whole and send it as the request')
            [CompletionResult]::new('--stdin-file', '--stdin-file', [CompletionResultType]::ParameterName, 'Read standard input whole and send it as the request')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Send an empty request')
            [CompletionResult]::new('--null-message', '--null-message', [CompletionResultType]::ParameterName, 'Send an empty request')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print `topic payload` (`topic (null)` for an empty payload, as mosquitto_sub)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print `topic payload` (`topic (null)` for an empty payload, as mosquitto_sub)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per message (NDJSON)')
            [CompletionResult]::new('--require-fields', '--require-fields', [CompletionResultType]::ParameterName, 'With -F %{FIELD}: a payload that is not JSON or lacks the field ends mqtk sub with an error (exit 1) instead of printing an empty value')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indent --json output, and -F''s %j/%J objects as mosquitto_sub --pretty does')
            [CompletionResult]::new('-N', '-N ', [CompletionResultType]::ParameterName, 'Do not print a newline after each message')
            [CompletionResult]::new('--no-eol', '--no-eol', [CompletionResultType]::ParameterName, 'Do not print a newline after each message')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqtk;broker' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'MQTT port to listen on (0: pick a free port and print it)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'MQTT port to listen on (0: pick a free port and print it)')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (anything but loopback without --passwords prints a warning)')
            [CompletionResult]::new('--ws-port', '--ws-port', [CompletionResultType]::ParameterName, 'Also accept MQTT over WebSocket on PORT (path /mqtt; 0: pick a free port)')
            [CompletionResult]::new('--tls-port', '--tls-port', [CompletionResultType]::ParameterName, 'Also accept MQTT over TLS on PORT [default with --tls-cert: 8883; 0: pick a free port]')
            [CompletionResult]::new('--wss-port', '--wss-port', [CompletionResultType]::ParameterName, 'Also accept MQTT over secure WebSocket on PORT (path /mqtt; needs --tls-cert)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Server certificate chain (PEM) for the TLS listeners')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'Private key (PEM) for --tls-cert')
            [CompletionResult]::new('--passwords', '--passwords', [CompletionResultType]::ParameterName, 'Require clients to log in with a user from FILE (mosquitto_passwd file or USER:PASSWORD lines)')
            [CompletionResult]::new('--sys-interval', '--sys-interval', [CompletionResultType]::ParameterName, 'How often to republish $SYS/broker/... statistics (e.g. 10s, 500ms)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file: its settings apply where flags and environment variables give none')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]')
            [CompletionResult]::new('--allow-anonymous', '--allow-anonymous', [CompletionResultType]::ParameterName, 'Let clients in without a user name: with --passwords, in addition to the users; without it, silences the warning for a non-loopback --listen')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log client connects, disconnects and subscriptions on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log client connects, disconnects and subscriptions on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors (the listening lines on stdout stay)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqtk;profile' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file: its settings apply where flags and environment variables give none')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles of the config file')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one profile''s settings (the --profile / MQTK_PROFILE one when NAME is left out)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqtk;profile;list' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file: its settings apply where flags and environment variables give none')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqtk;profile;show' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file: its settings apply where flags and environment variables give none')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqtk;profile;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles of the config file')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one profile''s settings (the --profile / MQTK_PROFILE one when NAME is left out)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqtk;profile;help;list' {
            break
        }
        'mqtk;profile;help;show' {
            break
        }
        'mqtk;profile;help;help' {
            break
        }
        'mqtk;help' {
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publish messages (flags as mosquitto_pub)')
            [CompletionResult]::new('sub', 'sub', [CompletionResultType]::ParameterValue, 'Subscribe to topics and print messages (flags as mosquitto_sub)')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Benchmark a broker: throughput, loss, duplicates, latency percentiles; CI thresholds')
            [CompletionResult]::new('rr', 'rr', [CompletionResultType]::ParameterValue, 'Send a request and print the response (MQTT 5 request/response, as mosquitto_rr)')
            [CompletionResult]::new('broker', 'broker', [CompletionResultType]::ParameterValue, 'Run an MQTT broker in this process (for demos, tests and CI jobs)')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'List and show connection profiles (passwords redacted)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqtk;help;pub' {
            break
        }
        'mqtk;help;sub' {
            break
        }
        'mqtk;help;bench' {
            break
        }
        'mqtk;help;rr' {
            break
        }
        'mqtk;help;broker' {
            break
        }
        'mqtk;help;profile' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles of the config file')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one profile''s settings (the --profile / MQTK_PROFILE one when NAME is left out)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqtk;help;profile;list' {
            break
        }
        'mqtk;help;profile;show' {
            break
        }
        'mqtk;help;profile;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles of the config file')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one profile''s settings (the --profile / MQTK_PROFILE one when NAME is left out)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqtk;help;profile;help;list' {
            break
        }
        'mqtk;help;profile;help;show' {
            break
        }
        'mqtk;help;profile;help;help' {
            break
        }
        'mqtk;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
