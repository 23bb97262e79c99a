# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mqtk_global_optspecs
    string join \n help h version profile= config=
end

function __fish_mqtk_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mqtk_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mqtk_using_subcommand
    set -l cmd (__fish_mqtk_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mqtk -n "__fish_mqtk_needs_command" -l profile -d 'Connection profile from the config file: its settings apply where flags and environment variables give none' -r
complete -c mqtk -n "__fish_mqtk_needs_command" -l config -d 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]' -r -F
complete -c mqtk -n "__fish_mqtk_needs_command" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_needs_command" -s h -d 'Print help (only here: after a subcommand, -h is the broker host, as in mosquitto)'
complete -c mqtk -n "__fish_mqtk_needs_command" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_needs_command" -f -a "pub" -d 'Publish messages (flags as mosquitto_pub)'
complete -c mqtk -n "__fish_mqtk_needs_command" -f -a "sub" -d 'Subscribe to topics and print messages (flags as mosquitto_sub)'
complete -c mqtk -n "__fish_mqtk_needs_command" -f -a "bench" -d 'Benchmark a broker: throughput, loss, duplicates, latency percentiles; CI thresholds'
complete -c mqtk -n "__fish_mqtk_needs_command" -f -a "rr" -d 'Send a request and print the response (MQTT 5 request/response, as mosquitto_rr)'
complete -c mqtk -n "__fish_mqtk_needs_command" -f -a "broker" -d 'Run an MQTT broker in this process (for demos, tests and CI jobs)'
complete -c mqtk -n "__fish_mqtk_needs_command" -f -a "profile" -d 'List and show connection profiles (passwords redacted)'
complete -c mqtk -n "__fish_mqtk_needs_command" -f -a "sys" -d 'A broker\'s $SYS tree: snapshot, live view (--watch), health checks, Prometheus exporter'
complete -c mqtk -n "__fish_mqtk_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l profile -d 'Connection profile from the config file: its settings apply where flags and environment variables give none' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l config -d 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s t -l topic -d 'Topic to publish to' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s m -l message -d 'Message payload' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s f -l file -d 'Send the contents of FILE as the message' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l replay -d 'Publish the messages of a `mqtk sub --json` capture (- for standard input): their topics, payloads, QoS, retain flags and MQTT 5 properties' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l seed -d 'Seed for {{int}}, {{float}} and {{uuid}}, so a run can be repeated exactly' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l replay-speed -d 'Keep the recorded spacing, sped up by FACTOR (1: as recorded, 2: twice as fast) [default: as fast as possible]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l rewrite-prefix -d 'Replace the topic prefix FROM with TO' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s q -l qos -d 'Quality of service: 0, 1 or 2' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l repeat -d 'Publish the message this many times (0: until interrupted)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l repeat-delay -d 'Wait this long between repeated messages (seconds, or e.g. 5s, 500ms)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s M -l max-inflight -d 'Most QoS 1/2 messages awaiting acknowledgement at once (MQTT 5: capped by the broker\'s Receive Maximum)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s h -l host -d 'Broker host name or address (with -L: the later of the two wins)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s p -l port -d 'Broker port [default: 1883; 8883 with TLS; 80/443 for ws/wss URLs]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s L -l url -d 'Broker URL: mqtt[s]://[user[:pass]@]host[:port]/topic or ws[s]://host[:port]/path' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l unix -d 'Connect through a Unix domain socket instead of TCP' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s A -l bind-address -d 'Local address to connect from' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s i -l id -d 'Client identifier [default: mqtk- and random characters]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s I -l id-prefix -d 'Client identifier prefix; the process id is appended' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s u -l username -d 'User name' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s P -l pw -d 'Password (prefer --pw-file or the MQTK_PASSWORD environment variable, used only with a user name: arguments show in `ps`)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l pw-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s k -l keepalive -d 'Keepalive interval in seconds (0 disables it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s x -l session-expiry -d 'MQTT 5 session expiry interval in seconds; -1 or ∞: never [default with -c: never expires]. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s V -l protocol-version -d 'MQTT protocol version: 311 (default), 5 or 31; also mqttv311, mqttv5, mqttv31, 3.1.1 and 3.1' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s D -l property -d 'MQTT 5 property, as mosquitto\'s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l connect-timeout -d 'Give up connecting after this long (e.g. 10, 5s, 500ms)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l reconnect-attempts -d 'Reconnect attempts after a lost connection: a number, 0 (fail at once) or inf / -1 (never give up) [default: inf for sub and pub -l, which outlive broker restarts as mosquitto\'s clients do; 10 otherwise]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l reconnect-max-delay -d 'Longest wait between reconnect attempts (backoff doubles from 100ms up to this)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l proxy -d 'Connect through a SOCKS5 proxy: socks5h://[user[:pass]@]host[:port] (port 1080 by default; the proxy resolves the broker\'s name)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l will-topic -d 'Topic of the last will message, sent by the broker if mqtk disconnects unexpectedly' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l will-payload -d 'Payload of the last will message' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l will-qos -d 'QoS of the last will message' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l cafile -d 'CA certificates (PEM) to verify the broker with; turns TLS on' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l capath -d 'Directory of CA certificates (PEM); turns TLS on' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l cert -d 'Client certificate (PEM) for certificate authentication' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l tls-version -d 'Lowest TLS version to accept: tlsv1.2 or tlsv1.3 (TLS 1.1 and older are refused: rustls does not speak them)' -r -f -a "tlsv1.2\t''
tlsv1.3\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l ciphers -d 'TLS 1.2 cipher suites to offer, colon-separated, in OpenSSL (ECDHE-RSA-AES128-GCM-SHA256) or IANA (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) spelling; TLS 1.3 suites are kept' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l tls-alpn -d 'TLS ALPN protocol to offer' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l psk -d 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l psk-identity -d 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l tls-engine -d 'Not supported by this build (no OpenSSL engines): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l tls-engine-kpass-sha1 -d 'Not supported by this build (no OpenSSL engines): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l keyform -d 'Not supported by this build (keys are PEM files): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s s -l stdin-file -d 'Read standard input whole and send it as one message'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s l -l stdin-line -d 'Read standard input and send each line as a message'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s n -l null-message -d 'Send an empty (null) message'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l template -d 'Expand {{...}} placeholders in the payload for every message: {{seq}} {{index}} {{int LO HI}} {{float LO HI [DECIMALS]}} {{now [STRFTIME]}} {{unix}} {{unix_ms}} {{uuid}} {{client_id}} {{topic}} {{env NAME}} {{line}} {{"TEXT"}} (with -l: each line is a template)'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l check-json -d 'Refuse (exit 2) a payload that is not a JSON document, checked per message'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l skip-bad-lines -d 'Skip (and report) capture lines that are not messages instead of stopping'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s r -l retain -d 'Ask the broker to retain the message'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s c -l disable-clean-session -d 'Keep the session when disconnected (persistent session; needs -i)'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l nodelay -d 'Accepted for mosquitto compatibility: mqtk always disables Nagle\'s algorithm'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s d -l debug -d 'Print a packet trace on stderr (passwords redacted)'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l quiet -d 'Print no warnings or progress on stderr (errors still show)'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l will-retain -d 'Retain the last will message'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l tls-use-os-certs -d 'Use the operating system\'s CA certificates (the default for mqtts:// without --cafile)'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l insecure -d 'Do not check that the broker\'s certificate names the host (as mosquitto\'s --insecure); the certificate must still be signed by a trusted CA'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l danger-accept-invalid-certs -d 'Accept ANY certificate: no CA, expiry or host name check at all. Anyone on the path can read and change the traffic; for throw-away test brokers only'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l profile -d 'Connection profile from the config file: its settings apply where flags and environment variables give none' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l config -d 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s t -l topic -d 'Topic filter to subscribe to (repeatable; + and # wildcards, $share/GROUP/... accepted)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s q -l qos -d 'Quality of service to subscribe with: 0, 1 or 2' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s C -l count -d 'Exit after printing COUNT messages (only those are acknowledged; the rest stay queued)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s W -l timeout -d 'Stop after this long (counted from connecting) and exit with code 27, as mosquitto_sub' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l retain-handling -d 'MQTT 5 retain handling: 0 send retained, 1 only for new subscriptions, 2 never' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s T -l filter-out -d 'Do not print messages whose topic matches FILTER (repeatable)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s U -l unsubscribe -d 'Unsubscribe from FILTER (repeatable; useful with -c to clear a persistent session)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l random-filter -d 'Print only this percentage of the messages, picked at random (0.1 to 100, e.g. 10 or 0.5)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l respond -d 'MQTT 5: answer each message with a response topic by running CMD (via sh -c) with the payload on standard input, and publishing its output to that topic with the request\'s correlation data' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s F -l format -d 'Print each message with a format string (mosquitto_sub\'s %-specifiers and escapes, and %{FIELD} for a field of a JSON payload: %{Value}, %{a.b.0}, %{/a/b/0}; wins over -v, as in mosquitto_sub)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l color -d 'Colour output: auto (only on a terminal, and not with NO_COLOR set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s h -l host -d 'Broker host name or address (with -L: the later of the two wins)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s p -l port -d 'Broker port [default: 1883; 8883 with TLS; 80/443 for ws/wss URLs]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s L -l url -d 'Broker URL: mqtt[s]://[user[:pass]@]host[:port]/topic or ws[s]://host[:port]/path' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l unix -d 'Connect through a Unix domain socket instead of TCP' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s A -l bind-address -d 'Local address to connect from' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s i -l id -d 'Client identifier [default: mqtk- and random characters]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s I -l id-prefix -d 'Client identifier prefix; the process id is appended' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s u -l username -d 'User name' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s P -l pw -d 'Password (prefer --pw-file or the MQTK_PASSWORD environment variable, used only with a user name: arguments show in `ps`)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l pw-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s k -l keepalive -d 'Keepalive interval in seconds (0 disables it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s x -l session-expiry -d 'MQTT 5 session expiry interval in seconds; -1 or ∞: never [default with -c: never expires]. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s V -l protocol-version -d 'MQTT protocol version: 311 (default), 5 or 31; also mqttv311, mqttv5, mqttv31, 3.1.1 and 3.1' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s D -l property -d 'MQTT 5 property, as mosquitto\'s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l connect-timeout -d 'Give up connecting after this long (e.g. 10, 5s, 500ms)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l reconnect-attempts -d 'Reconnect attempts after a lost connection: a number, 0 (fail at once) or inf / -1 (never give up) [default: inf for sub and pub -l, which outlive broker restarts as mosquitto\'s clients do; 10 otherwise]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l reconnect-max-delay -d 'Longest wait between reconnect attempts (backoff doubles from 100ms up to this)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l proxy -d 'Connect through a SOCKS5 proxy: socks5h://[user[:pass]@]host[:port] (port 1080 by default; the proxy resolves the broker\'s name)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l will-topic -d 'Topic of the last will message, sent by the broker if mqtk disconnects unexpectedly' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l will-payload -d 'Payload of the last will message' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l will-qos -d 'QoS of the last will message' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l cafile -d 'CA certificates (PEM) to verify the broker with; turns TLS on' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l capath -d 'Directory of CA certificates (PEM); turns TLS on' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l cert -d 'Client certificate (PEM) for certificate authentication' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l tls-version -d 'Lowest TLS version to accept: tlsv1.2 or tlsv1.3 (TLS 1.1 and older are refused: rustls does not speak them)' -r -f -a "tlsv1.2\t''
tlsv1.3\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l ciphers -d 'TLS 1.2 cipher suites to offer, colon-separated, in OpenSSL (ECDHE-RSA-AES128-GCM-SHA256) or IANA (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) spelling; TLS 1.3 suites are kept' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l tls-alpn -d 'TLS ALPN protocol to offer' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l psk -d 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l psk-identity -d 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l tls-engine -d 'Not supported by this build (no OpenSSL engines): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l tls-engine-kpass-sha1 -d 'Not supported by this build (no OpenSSL engines): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l keyform -d 'Not supported by this build (keys are PEM files): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s R -l no-retained -d 'Do not print retained (stale) messages'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l retained-only -d 'Print only retained messages, and exit at the first message that is not retained'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l remove-retained -d 'Clear every retained message received (publishes an empty retained message to its topic)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l retain-as-published -d 'MQTT 5: keep the retain flag as published'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l no-local -d 'MQTT 5: do not receive messages this client published'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s E -l exit-after-subscribe -d 'Exit once subscribed'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s v -l verbose -d 'Print `topic payload` (`topic (null)` for an empty payload, as mosquitto_sub)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l json -d 'Print one JSON object per message (NDJSON)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l require-fields -d 'With -F %{FIELD}: a payload that is not JSON or lacks the field ends mqtk sub with an error (exit 1) instead of printing an empty value'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l pretty -d 'Indent --json output, and -F\'s %j/%J objects as mosquitto_sub --pretty does'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s N -l no-eol -d 'Do not print a newline after each message'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s c -l disable-clean-session -d 'Keep the session when disconnected (persistent session; needs -i)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l nodelay -d 'Accepted for mosquitto compatibility: mqtk always disables Nagle\'s algorithm'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s d -l debug -d 'Print a packet trace on stderr (passwords redacted)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l quiet -d 'Print no warnings or progress on stderr (errors still show)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l will-retain -d 'Retain the last will message'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l tls-use-os-certs -d 'Use the operating system\'s CA certificates (the default for mqtts:// without --cafile)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l insecure -d 'Do not check that the broker\'s certificate names the host (as mosquitto\'s --insecure); the certificate must still be signed by a trusted CA'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l danger-accept-invalid-certs -d 'Accept ANY certificate: no CA, expiry or host name check at all. Anyone on the path can read and change the traffic; for throw-away test brokers only'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l profile -d 'Connection profile from the config file: its settings apply where flags and environment variables give none' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l config -d 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s h -l host -d 'Broker host name or address (with -L: the later of the two wins)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s p -l port -d 'Broker port [default: 1883; 8883 with TLS; 80/443 for ws/wss URLs]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s L -l url -d 'Broker URL: mqtt[s]://[user[:pass]@]host[:port]/topic or ws[s]://host[:port]/path' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l unix -d 'Connect through a Unix domain socket instead of TCP' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s A -l bind-address -d 'Local address to connect from' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s i -l id -d 'Client identifier [default: mqtk- and random characters]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s I -l id-prefix -d 'Client identifier prefix; the process id is appended' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s u -l username -d 'User name' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s P -l pw -d 'Password (prefer --pw-file or the MQTK_PASSWORD environment variable, used only with a user name: arguments show in `ps`)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l pw-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s k -l keepalive -d 'Keepalive interval in seconds (0 disables it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s x -l session-expiry -d 'MQTT 5 session expiry interval in seconds; -1 or ∞: never [default with -c: never expires]. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s V -l protocol-version -d 'MQTT protocol version: 311 (default), 5 or 31; also mqttv311, mqttv5, mqttv31, 3.1.1 and 3.1' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s D -l property -d 'MQTT 5 property, as mosquitto\'s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l connect-timeout -d 'Give up connecting after this long (e.g. 10, 5s, 500ms)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l reconnect-attempts -d 'Reconnect attempts after a lost connection: a number, 0 (fail at once) or inf / -1 (never give up) [default: inf for sub and pub -l, which outlive broker restarts as mosquitto\'s clients do; 10 otherwise]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l reconnect-max-delay -d 'Longest wait between reconnect attempts (backoff doubles from 100ms up to this)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l proxy -d 'Connect through a SOCKS5 proxy: socks5h://[user[:pass]@]host[:port] (port 1080 by default; the proxy resolves the broker\'s name)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l will-topic -d 'Topic of the last will message, sent by the broker if mqtk disconnects unexpectedly' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l will-payload -d 'Payload of the last will message' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l will-qos -d 'QoS of the last will message' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l cafile -d 'CA certificates (PEM) to verify the broker with; turns TLS on' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l capath -d 'Directory of CA certificates (PEM); turns TLS on' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l cert -d 'Client certificate (PEM) for certificate authentication' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l tls-version -d 'Lowest TLS version to accept: tlsv1.2 or tlsv1.3 (TLS 1.1 and older are refused: rustls does not speak them)' -r -f -a "tlsv1.2\t''
tlsv1.3\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l ciphers -d 'TLS 1.2 cipher suites to offer, colon-separated, in OpenSSL (ECDHE-RSA-AES128-GCM-SHA256) or IANA (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) spelling; TLS 1.3 suites are kept' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l tls-alpn -d 'TLS ALPN protocol to offer' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l psk -d 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l psk-identity -d 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l tls-engine -d 'Not supported by this build (no OpenSSL engines): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l tls-engine-kpass-sha1 -d 'Not supported by this build (no OpenSSL engines): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l keyform -d 'Not supported by this build (keys are PEM files): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l publishers -l pubs -d 'Number of publishing clients' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l subscribers -l subs -d 'Number of subscribing clients' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l connections -d 'Number of connections `bench conn` opens' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s n -l messages -d 'Messages per publisher; `bench sub`: messages expected per subscriber (it stops once they arrived, and counts the ones missing at the end as lost) [default: a 10 s run with 1 s of warm-up when neither --messages nor --duration is given]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l duration -d 'Run for this long (e.g. 30s, 2m); with --messages, whichever ends first' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s s -l size -d 'Message size in bytes, at least the 24-byte bench header' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l payload-template -d 'The body after the bench header: a payload template (as `pub --template`: {{int 0 100}}, {{now}}, {{uuid}}, ...), expanded per message and padded with spaces to --size' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s q -l qos -d 'Quality of service: 0, 1 or 2' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l rate -d 'Messages per second per publisher (0: as fast as possible). Latency is then measured from each message\'s intended send time, so broker stalls show in the percentiles' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l sub-rate -d 'Subscribers read at most this many messages per second each (0: as fast as possible); simulates slow consumers, e.g. to see what a broker drops' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l total-rate -d 'Messages per second over all publishers, shared evenly (instead of --rate)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s t -l topic -d 'Topic template: %i is the client index, %c the client id, %r the run id (one topic per publisher by default; give a topic without % for all publishers to share it). `bench sub` also takes a filter here. With --shard the default is mqtk-bench/%r/%i' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l filter -d 'Subscriber topic filter [default: the topic template with %-levels replaced by +]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l coalesce -d 'Before it sleeps on the network, each worker thread waits this long, so that what arrives meanwhile (acknowledgements, messages) is read, answered and refilled in one batch per connection: halves the generator\'s CPU per message at QoS 1/2. Latencies include up to this wait [default: 200us, or 0 (off) with --rate or --total-rate, whose send times it would delay]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l threads -d 'Worker threads of the generator. When --coalesce batches, a thread\'s wake serves all its connections at once, so fewer threads mean bigger batches [default: one per 8 publishers and subscribers, up to one per core; one per core with --coalesce 0]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s M -l max-inflight -d 'Most unacknowledged QoS 1/2 messages per publisher' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l connect-rate -d 'Connections opened per second (0: as fast as possible)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l hold -d '`bench conn`: how long to hold the connections open' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l warmup -d 'Leave this long out of rates, latency and counts at the start [default: 1s for the default 10 s run, 0 otherwise]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l drain -d 'After the publishers finish, wait at most this long for messages still on their way' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l source-addr -d 'Local addresses to connect from, used in turn (e.g. 127.0.0.2,127.0.0.3), to open more connections to one broker address than one source address has ports' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l run-id -d 'Run identifier written into every message header [default: random]: with one per process, several `bench pub` processes into one `bench sub` are told apart' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l publisher-offset -d 'Number the publishers of this process from N (e.g. 100 for a second process of 100 publishers), so publisher indices are unique across processes' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l shard -d 'Run only shard I of N of this plan (I from 0): its exact share of the publishers, subscribers and connections, with client ids and topic indices unique across shards; the other flags stay the same on every agent. `auto` reads the index from Kubernetes (JOB_COMPLETION_INDEX) or Nomad (NOMAD_ALLOC_INDEX) and the count from auto/N or MQTK_SHARDS. Merge the agents\' --json results with `mqtk bench merge`' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l start-at -d 'Connect every client first, then start at this instant (Unix seconds or RFC 3339, e.g. 2026-01-02T03:04:05Z), so agents on several machines start together; an agent not connected by then starts late, says so and is flagged in its result' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l control -d 'A control broker, mqtt://[user:pass@]host[:port][/prefix], which should NOT be the broker under test: the agent announces itself there (with a last will), waits for the GO of `mqtk bench coordinate` instead of --start-at, and publishes its result there at QoS 1. Needs --shard and --run-id' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l broker-pid -d 'Process id of a broker on this machine: report its CPU use and resident memory over the run, to tell a saturated broker from a saturated generator (Linux)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l assert -d 'Check a threshold after the run, e.g. \'p99 < 20ms\', \'lost == 0\', \'rate >= 50k\' (repeatable); any failure exits 7' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l charts -d 'Latency histogram and throughput sparklines under the summary: auto (only when standard output is a terminal), always, never' -r -f -a "auto\t'Only when standard output is a terminal'
always\t'Also when standard output is a file or a pipe'
never\t'Never'"
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l report -d 'Also write a self-contained HTML report with charts (no scripts, no external resources) to this file; `mqtk bench report` rebuilds it later from --json output' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s c -l disable-clean-session -d 'Keep the session when disconnected (persistent session; needs -i)'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l nodelay -d 'Accepted for mosquitto compatibility: mqtk always disables Nagle\'s algorithm'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s d -l debug -d 'Print a packet trace on stderr (passwords redacted)'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l quiet -d 'Print no warnings or progress on stderr (errors still show)'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l will-retain -d 'Retain the last will message'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l tls-use-os-certs -d 'Use the operating system\'s CA certificates (the default for mqtts:// without --cafile)'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l insecure -d 'Do not check that the broker\'s certificate names the host (as mosquitto\'s --insecure); the certificate must still be signed by a trusted CA'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l danger-accept-invalid-certs -d 'Accept ANY certificate: no CA, expiry or host name check at all. Anyone on the path can read and change the traffic; for throw-away test brokers only'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l embedded-broker -d 'Start an embedded broker (`mqtk broker`) on a free loopback port and benchmark it; never implied, so a benchmark of a real broker cannot measure the embedded one by mistake'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -s r -l retain -d 'Publish with the retain flag'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l broker-sys -d 'Read the broker\'s $SYS tree (clients, heap, dropped messages, traffic) over one extra connection, and report it before and after the run (waits up to 12 s after the run for the broker\'s next $SYS report)'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l json -d 'Print one JSON result document on stdout'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l csv -d 'Print a CSV header and one row for the run on stdout'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -l per-client -d 'Add a row per client to the report'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -a "report" -d 'Rebuild the report of saved results (`mqtk bench --json`), or compare several runs: the first is the baseline'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -a "merge" -d 'Merge the results of a sharded run (`mqtk bench --shard I/N --json` on each agent) into the one report of the whole run: histograms added, counters and per-second series summed, loss counted across shards; --assert gives one verdict'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -a "plan" -d 'Print the job that runs this bench as N agents on Kubernetes (an Indexed Job, YAML) or Nomad (a batch job, API JSON): `mqtk bench plan k8s --shards 10 --image IMAGE [bench flags]`; each agent runs `--shard auto` with one run id and one --start-at'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and not __fish_seen_subcommand_from report merge plan coordinate" -a "coordinate" -d 'Start and collect a sharded run over a control broker: wait for N agents (`mqtk bench --shard I/N --control URL`), send GO, print the merged report once every result arrived; agents that left (their last will) or did not answer are named, and the exit is non-zero'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from report" -s o -l output -d 'Write the self-contained HTML report (charts; several results overlaid) to this file' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from report" -l assert -d 'Check every result after the first against a threshold, absolute (\'p99 < 20ms\') or relative to the first (\'p99 <= 1.1 * baseline\', \'rate >= 0.9 * baseline\'); repeatable; any failure exits 7' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from report" -l charts -d 'Charts under a single result\'s summary: auto (on a terminal), always, never' -r -f -a "auto\t'Only when standard output is a terminal'
always\t'Also when standard output is a file or a pipe'
never\t'Never'"
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from report" -l profile -d 'Connection profile from the config file: its settings apply where flags and environment variables give none' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from report" -l config -d 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from report" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from report" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from merge" -l assert -d 'Check a threshold on the merged run, e.g. \'p99 < 20ms\', \'lost == 0\' (repeatable); any failure exits 7' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from merge" -l charts -d 'Charts under the summary: auto (on a terminal), always, never' -r -f -a "auto\t'Only when standard output is a terminal'
always\t'Also when standard output is a file or a pipe'
never\t'Never'"
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from merge" -l profile -d 'Connection profile from the config file: its settings apply where flags and environment variables give none' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from merge" -l config -d 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from merge" -l json -d 'Print the merged result as one JSON document'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from merge" -l csv -d 'Print a CSV header and one row for the merged run'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from merge" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from merge" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from plan" -l shards -d 'Number of agents (shards) to run the bench as' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from plan" -l image -d 'Container image with mqtk on its PATH' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from plan" -l start-in -d 'Start the run this long after the plan is printed (pods must be scheduled, images pulled and every client connected by then)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from plan" -l name -d 'Job name [default: mqtk-bench-<run id>]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from plan" -l namespace -d 'Kubernetes or Nomad namespace' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from plan" -l datacenters -d 'Nomad datacenters' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from plan" -l cpu -d 'CPU cores each agent asks for' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from plan" -l memory -d 'Memory each agent asks for (and is limited to), MiB' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from plan" -l profile -d 'Connection profile from the config file: its settings apply where flags and environment variables give none' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from plan" -l config -d 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from plan" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from plan" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from coordinate" -l control -d 'The control broker the agents were given (--control), not the broker under test' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from coordinate" -l agents -d 'Number of agents (the N of their --shard I/N)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from coordinate" -l run-id -d 'The run id the agents were given' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from coordinate" -l start-delay -d 'Start the run this long after the last agent is ready' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from coordinate" -l timeout -d 'Wait at most this long for every agent to be ready, and again for every result after the start' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from coordinate" -l assert -d 'Check a threshold on the merged run (repeatable); any failure exits 7' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from coordinate" -l charts -d 'Charts under the summary: auto (on a terminal), always, never' -r -f -a "auto\t'Only when standard output is a terminal'
always\t'Also when standard output is a file or a pipe'
never\t'Never'"
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from coordinate" -l profile -d 'Connection profile from the config file: its settings apply where flags and environment variables give none' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from coordinate" -l config -d 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from coordinate" -l json -d 'Print the merged result as one JSON document'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from coordinate" -l csv -d 'Print a CSV header and one row for the merged run'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from coordinate" -l quiet -d 'No progress lines on stderr'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from coordinate" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench; and __fish_seen_subcommand_from coordinate" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l profile -d 'Connection profile from the config file: its settings apply where flags and environment variables give none' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l config -d 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s h -l host -d 'Broker host name or address (with -L: the later of the two wins)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s p -l port -d 'Broker port [default: 1883; 8883 with TLS; 80/443 for ws/wss URLs]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s L -l url -d 'Broker URL: mqtt[s]://[user[:pass]@]host[:port]/topic or ws[s]://host[:port]/path' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l unix -d 'Connect through a Unix domain socket instead of TCP' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s A -l bind-address -d 'Local address to connect from' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s i -l id -d 'Client identifier [default: mqtk- and random characters]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s I -l id-prefix -d 'Client identifier prefix; the process id is appended' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s u -l username -d 'User name' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s P -l pw -d 'Password (prefer --pw-file or the MQTK_PASSWORD environment variable, used only with a user name: arguments show in `ps`)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l pw-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s k -l keepalive -d 'Keepalive interval in seconds (0 disables it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s x -l session-expiry -d 'MQTT 5 session expiry interval in seconds; -1 or ∞: never [default with -c: never expires]. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s V -l protocol-version -d 'MQTT protocol version: 311 (default), 5 or 31; also mqttv311, mqttv5, mqttv31, 3.1.1 and 3.1' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s D -l property -d 'MQTT 5 property, as mosquitto\'s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l connect-timeout -d 'Give up connecting after this long (e.g. 10, 5s, 500ms)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l reconnect-attempts -d 'Reconnect attempts after a lost connection: a number, 0 (fail at once) or inf / -1 (never give up) [default: inf for sub and pub -l, which outlive broker restarts as mosquitto\'s clients do; 10 otherwise]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l reconnect-max-delay -d 'Longest wait between reconnect attempts (backoff doubles from 100ms up to this)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l proxy -d 'Connect through a SOCKS5 proxy: socks5h://[user[:pass]@]host[:port] (port 1080 by default; the proxy resolves the broker\'s name)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l will-topic -d 'Topic of the last will message, sent by the broker if mqtk disconnects unexpectedly' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l will-payload -d 'Payload of the last will message' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l will-qos -d 'QoS of the last will message' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l cafile -d 'CA certificates (PEM) to verify the broker with; turns TLS on' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l capath -d 'Directory of CA certificates (PEM); turns TLS on' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l cert -d 'Client certificate (PEM) for certificate authentication' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l tls-version -d 'Lowest TLS version to accept: tlsv1.2 or tlsv1.3 (TLS 1.1 and older are refused: rustls does not speak them)' -r -f -a "tlsv1.2\t''
tlsv1.3\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l ciphers -d 'TLS 1.2 cipher suites to offer, colon-separated, in OpenSSL (ECDHE-RSA-AES128-GCM-SHA256) or IANA (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) spelling; TLS 1.3 suites are kept' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l tls-alpn -d 'TLS ALPN protocol to offer' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l psk -d 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l psk-identity -d 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l tls-engine -d 'Not supported by this build (no OpenSSL engines): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l tls-engine-kpass-sha1 -d 'Not supported by this build (no OpenSSL engines): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l keyform -d 'Not supported by this build (keys are PEM files): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s t -l topic -d 'Topic to send the request to' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s e -l response-topic -d 'Topic to receive the response on (sent as the request\'s response topic)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s m -l message -d 'Request payload' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s f -l file -d 'Send the contents of FILE as the request' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l correlation-data -d 'Correlation data of the request [default: 32 random hex digits]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s q -l qos -d 'Quality of service of the request and the response subscription: 0, 1 or 2' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s C -l count -d 'Exit after COUNT matching responses' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s W -l timeout -d 'Give up waiting after this long (counted from connecting) and exit with code 27' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s F -l format -d 'Print each message with a format string (mosquitto_sub\'s %-specifiers and escapes, and %{FIELD} for a field of a JSON payload: %{Value}, %{a.b.0}, %{/a/b/0}; wins over -v, as in mosquitto_sub)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l color -d 'Colour output: auto (only on a terminal, and not with NO_COLOR set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s c -l disable-clean-session -d 'Keep the session when disconnected (persistent session; needs -i)'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l nodelay -d 'Accepted for mosquitto compatibility: mqtk always disables Nagle\'s algorithm'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s d -l debug -d 'Print a packet trace on stderr (passwords redacted)'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l quiet -d 'Print no warnings or progress on stderr (errors still show)'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l will-retain -d 'Retain the last will message'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l tls-use-os-certs -d 'Use the operating system\'s CA certificates (the default for mqtts:// without --cafile)'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l insecure -d 'Do not check that the broker\'s certificate names the host (as mosquitto\'s --insecure); the certificate must still be signed by a trusted CA'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l danger-accept-invalid-certs -d 'Accept ANY certificate: no CA, expiry or host name check at all. Anyone on the path can read and change the traffic; for throw-away test brokers only'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s s -l stdin-file -d 'Read standard input whole and send it as the request'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s n -l null-message -d 'Send an empty request'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s v -l verbose -d 'Print `topic payload` (`topic (null)` for an empty payload, as mosquitto_sub)'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l json -d 'Print one JSON object per message (NDJSON)'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l require-fields -d 'With -F %{FIELD}: a payload that is not JSON or lacks the field ends mqtk sub with an error (exit 1) instead of printing an empty value'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l pretty -d 'Indent --json output, and -F\'s %j/%J objects as mosquitto_sub --pretty does'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s N -l no-eol -d 'Do not print a newline after each message'
complete -c mqtk -n "__fish_mqtk_using_subcommand broker" -l profile -d 'Connection profile from the config file: its settings apply where flags and environment variables give none' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand broker" -l config -d 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand broker" -s p -l port -d 'MQTT port to listen on (0: pick a free port and print it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand broker" -l listen -d 'Address to listen on (anything but loopback without --passwords prints a warning)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand broker" -l ws-port -d 'Also accept MQTT over WebSocket on PORT (path /mqtt; 0: pick a free port)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand broker" -l tls-port -d 'Also accept MQTT over TLS on PORT [default with --tls-cert: 8883; 0: pick a free port]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand broker" -l wss-port -d 'Also accept MQTT over secure WebSocket on PORT (path /mqtt; needs --tls-cert)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand broker" -l tls-cert -d 'Server certificate chain (PEM) for the TLS listeners' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand broker" -l tls-key -d 'Private key (PEM) for --tls-cert' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand broker" -l passwords -d 'Require clients to log in with a user from FILE (mosquitto_passwd file or USER:PASSWORD lines)' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand broker" -l sys-interval -d 'How often to republish $SYS/broker/... statistics (e.g. 10s, 500ms)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand broker" -l max-queued-messages -d 'Messages queued per subscriber before QoS 0 ones are dropped (counted in $SYS/broker/publish/messages/dropped); the default holds a 1,000,000-message burst' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand broker" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand broker" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand broker" -l allow-anonymous -d 'Let clients in without a user name: with --passwords, in addition to the users; without it, silences the warning for a non-loopback --listen'
complete -c mqtk -n "__fish_mqtk_using_subcommand broker" -s v -l verbose -d 'Log client connects, disconnects and subscriptions on stderr'
complete -c mqtk -n "__fish_mqtk_using_subcommand broker" -l quiet -d 'Print nothing on stderr but errors (the listening lines on stdout stay)'
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and not __fish_seen_subcommand_from list show help" -l profile -d 'Connection profile from the config file: its settings apply where flags and environment variables give none' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and not __fish_seen_subcommand_from list show help" -l config -d 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and not __fish_seen_subcommand_from list show help" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and not __fish_seen_subcommand_from list show help" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and not __fish_seen_subcommand_from list show help" -f -a "list" -d 'List the profiles of the config file'
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and not __fish_seen_subcommand_from list show help" -f -a "show" -d 'Show one profile\'s settings (the --profile / MQTK_PROFILE one when NAME is left out)'
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and not __fish_seen_subcommand_from list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and __fish_seen_subcommand_from list" -l profile -d 'Connection profile from the config file: its settings apply where flags and environment variables give none' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and __fish_seen_subcommand_from list" -l config -d 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and __fish_seen_subcommand_from list" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and __fish_seen_subcommand_from list" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and __fish_seen_subcommand_from show" -l profile -d 'Connection profile from the config file: its settings apply where flags and environment variables give none' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and __fish_seen_subcommand_from show" -l config -d 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and __fish_seen_subcommand_from show" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and __fish_seen_subcommand_from show" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the profiles of the config file'
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one profile\'s settings (the --profile / MQTK_PROFILE one when NAME is left out)'
complete -c mqtk -n "__fish_mqtk_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l profile -d 'Connection profile from the config file: its settings apply where flags and environment variables give none' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l config -d 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -s h -l host -d 'Broker host name or address (with -L: the later of the two wins)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -s p -l port -d 'Broker port [default: 1883; 8883 with TLS; 80/443 for ws/wss URLs]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -s L -l url -d 'Broker URL: mqtt[s]://[user[:pass]@]host[:port]/topic or ws[s]://host[:port]/path' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l unix -d 'Connect through a Unix domain socket instead of TCP' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -s A -l bind-address -d 'Local address to connect from' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -s i -l id -d 'Client identifier [default: mqtk- and random characters]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -s I -l id-prefix -d 'Client identifier prefix; the process id is appended' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -s u -l username -d 'User name' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -s P -l pw -d 'Password (prefer --pw-file or the MQTK_PASSWORD environment variable, used only with a user name: arguments show in `ps`)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l pw-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -s k -l keepalive -d 'Keepalive interval in seconds (0 disables it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -s x -l session-expiry -d 'MQTT 5 session expiry interval in seconds; -1 or ∞: never [default with -c: never expires]. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -s V -l protocol-version -d 'MQTT protocol version: 311 (default), 5 or 31; also mqttv311, mqttv5, mqttv31, 3.1.1 and 3.1' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -s D -l property -d 'MQTT 5 property, as mosquitto\'s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l connect-timeout -d 'Give up connecting after this long (e.g. 10, 5s, 500ms)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l reconnect-attempts -d 'Reconnect attempts after a lost connection: a number, 0 (fail at once) or inf / -1 (never give up) [default: inf for sub and pub -l, which outlive broker restarts as mosquitto\'s clients do; 10 otherwise]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l reconnect-max-delay -d 'Longest wait between reconnect attempts (backoff doubles from 100ms up to this)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l proxy -d 'Connect through a SOCKS5 proxy: socks5h://[user[:pass]@]host[:port] (port 1080 by default; the proxy resolves the broker\'s name)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l will-topic -d 'Topic of the last will message, sent by the broker if mqtk disconnects unexpectedly' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l will-payload -d 'Payload of the last will message' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l will-qos -d 'QoS of the last will message' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l cafile -d 'CA certificates (PEM) to verify the broker with; turns TLS on' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l capath -d 'Directory of CA certificates (PEM); turns TLS on' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l cert -d 'Client certificate (PEM) for certificate authentication' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l tls-version -d 'Lowest TLS version to accept: tlsv1.2 or tlsv1.3 (TLS 1.1 and older are refused: rustls does not speak them)' -r -f -a "tlsv1.2\t''
tlsv1.3\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l ciphers -d 'TLS 1.2 cipher suites to offer, colon-separated, in OpenSSL (ECDHE-RSA-AES128-GCM-SHA256) or IANA (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) spelling; TLS 1.3 suites are kept' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l tls-alpn -d 'TLS ALPN protocol to offer' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l psk -d 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l psk-identity -d 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l tls-engine -d 'Not supported by this build (no OpenSSL engines): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l tls-engine-kpass-sha1 -d 'Not supported by this build (no OpenSSL engines): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l keyform -d 'Not supported by this build (keys are PEM files): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l wait -d 'Longest wait for the snapshot [default: 15s, or the broker\'s publish interval when its values are not retained: 20s VerneMQ, 65s EMQX]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -s C -l count -d 'Stop --watch after COUNT updates' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l check -d 'Health check, e.g. \'clients.connected < 5000\', \'uptime > 60s\', \'rate(publish.dropped) == 0\' (repeatable; exit 7 when any fails)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l listen -d 'Serve the Prometheus exposition at http://ADDR/metrics until stopped (loopback unless you mean otherwise), keeping one MQTT connection and reconnecting' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l color -d 'Colour output: auto (only on a terminal, and not with NO_COLOR set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -s c -l disable-clean-session -d 'Keep the session when disconnected (persistent session; needs -i)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l nodelay -d 'Accepted for mosquitto compatibility: mqtk always disables Nagle\'s algorithm'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -s d -l debug -d 'Print a packet trace on stderr (passwords redacted)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l quiet -d 'Print no warnings or progress on stderr (errors still show)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l will-retain -d 'Retain the last will message'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l tls-use-os-certs -d 'Use the operating system\'s CA certificates (the default for mqtts:// without --cafile)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l insecure -d 'Do not check that the broker\'s certificate names the host (as mosquitto\'s --insecure); the certificate must still be signed by a trusted CA'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l danger-accept-invalid-certs -d 'Accept ANY certificate: no CA, expiry or host name check at all. Anyone on the path can read and change the traffic; for throw-away test brokers only'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l json -d 'Print one JSON document (with --watch: one JSON object per update)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l raw -d 'Print the tree as sorted `topic value` lines'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l tree -d 'Print the tree indented by level'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l prometheus -d 'Print the snapshot once in the Prometheus text exposition format'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -l watch -d 'Live view: values and rates, redrawn on a terminal, one line per update otherwise'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and not __fish_seen_subcommand_from probe" -f -a "probe" -d 'What a broker supports (MQTT versions, CONNACK limits, QoS round trips, wildcards, shared subscriptions, largest payload) and how exposed it is'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -s h -l host -d 'Broker host name or address (with -L: the later of the two wins)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -s p -l port -d 'Broker port [default: 1883; 8883 with TLS; 80/443 for ws/wss URLs]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -s L -l url -d 'Broker URL: mqtt[s]://[user[:pass]@]host[:port]/topic or ws[s]://host[:port]/path' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l unix -d 'Connect through a Unix domain socket instead of TCP' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -s A -l bind-address -d 'Local address to connect from' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -s i -l id -d 'Client identifier [default: mqtk- and random characters]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -s I -l id-prefix -d 'Client identifier prefix; the process id is appended' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -s u -l username -d 'User name' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -s P -l pw -d 'Password (prefer --pw-file or the MQTK_PASSWORD environment variable, used only with a user name: arguments show in `ps`)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l pw-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -s k -l keepalive -d 'Keepalive interval in seconds (0 disables it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -s x -l session-expiry -d 'MQTT 5 session expiry interval in seconds; -1 or ∞: never [default with -c: never expires]. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -s V -l protocol-version -d 'MQTT protocol version: 311 (default), 5 or 31; also mqttv311, mqttv5, mqttv31, 3.1.1 and 3.1' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -s D -l property -d 'MQTT 5 property, as mosquitto\'s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l connect-timeout -d 'Give up connecting after this long (e.g. 10, 5s, 500ms)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l reconnect-attempts -d 'Reconnect attempts after a lost connection: a number, 0 (fail at once) or inf / -1 (never give up) [default: inf for sub and pub -l, which outlive broker restarts as mosquitto\'s clients do; 10 otherwise]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l reconnect-max-delay -d 'Longest wait between reconnect attempts (backoff doubles from 100ms up to this)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l proxy -d 'Connect through a SOCKS5 proxy: socks5h://[user[:pass]@]host[:port] (port 1080 by default; the proxy resolves the broker\'s name)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l will-topic -d 'Topic of the last will message, sent by the broker if mqtk disconnects unexpectedly' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l will-payload -d 'Payload of the last will message' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l will-qos -d 'QoS of the last will message' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l cafile -d 'CA certificates (PEM) to verify the broker with; turns TLS on' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l capath -d 'Directory of CA certificates (PEM); turns TLS on' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l cert -d 'Client certificate (PEM) for certificate authentication' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l tls-version -d 'Lowest TLS version to accept: tlsv1.2 or tlsv1.3 (TLS 1.1 and older are refused: rustls does not speak them)' -r -f -a "tlsv1.2\t''
tlsv1.3\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l ciphers -d 'TLS 1.2 cipher suites to offer, colon-separated, in OpenSSL (ECDHE-RSA-AES128-GCM-SHA256) or IANA (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) spelling; TLS 1.3 suites are kept' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l tls-alpn -d 'TLS ALPN protocol to offer' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l psk -d 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l psk-identity -d 'Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l tls-engine -d 'Not supported by this build (no OpenSSL engines): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l tls-engine-kpass-sha1 -d 'Not supported by this build (no OpenSSL engines): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l keyform -d 'Not supported by this build (keys are PEM files): refused with a one-line reason' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l fail-on -d 'Exit 7 when a finding reaches this severity: info, low, medium or high' -r -f -a "info\t''
low\t''
medium\t''
high\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l max-payload -d 'Largest payload to try in the payload-size search (e.g. 1M, 256k)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l step-timeout -d 'Longest wait for each probe message' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l profile -d 'Connection profile from the config file: its settings apply where flags and environment variables give none' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l config -d 'Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else ~/.config/mqtk/config.toml]' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -s c -l disable-clean-session -d 'Keep the session when disconnected (persistent session; needs -i)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l nodelay -d 'Accepted for mosquitto compatibility: mqtk always disables Nagle\'s algorithm'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -s d -l debug -d 'Print a packet trace on stderr (passwords redacted)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l quiet -d 'Print no warnings or progress on stderr (errors still show)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l will-retain -d 'Retain the last will message'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l tls-use-os-certs -d 'Use the operating system\'s CA certificates (the default for mqtts:// without --cafile)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l insecure -d 'Do not check that the broker\'s certificate names the host (as mosquitto\'s --insecure); the certificate must still be signed by a trusted CA'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l danger-accept-invalid-certs -d 'Accept ANY certificate: no CA, expiry or host name check at all. Anyone on the path can read and change the traffic; for throw-away test brokers only'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l json -d 'Print one JSON document'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand sys; and __fish_seen_subcommand_from probe" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench rr broker profile sys help" -f -a "pub" -d 'Publish messages (flags as mosquitto_pub)'
complete -c mqtk -n "__fish_mqtk_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench rr broker profile sys help" -f -a "sub" -d 'Subscribe to topics and print messages (flags as mosquitto_sub)'
complete -c mqtk -n "__fish_mqtk_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench rr broker profile sys help" -f -a "bench" -d 'Benchmark a broker: throughput, loss, duplicates, latency percentiles; CI thresholds'
complete -c mqtk -n "__fish_mqtk_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench rr broker profile sys help" -f -a "rr" -d 'Send a request and print the response (MQTT 5 request/response, as mosquitto_rr)'
complete -c mqtk -n "__fish_mqtk_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench rr broker profile sys help" -f -a "broker" -d 'Run an MQTT broker in this process (for demos, tests and CI jobs)'
complete -c mqtk -n "__fish_mqtk_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench rr broker profile sys help" -f -a "profile" -d 'List and show connection profiles (passwords redacted)'
complete -c mqtk -n "__fish_mqtk_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench rr broker profile sys help" -f -a "sys" -d 'A broker\'s $SYS tree: snapshot, live view (--watch), health checks, Prometheus exporter'
complete -c mqtk -n "__fish_mqtk_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench rr broker profile sys help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqtk -n "__fish_mqtk_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "report" -d 'Rebuild the report of saved results (`mqtk bench --json`), or compare several runs: the first is the baseline'
complete -c mqtk -n "__fish_mqtk_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "merge" -d 'Merge the results of a sharded run (`mqtk bench --shard I/N --json` on each agent) into the one report of the whole run: histograms added, counters and per-second series summed, loss counted across shards; --assert gives one verdict'
complete -c mqtk -n "__fish_mqtk_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "plan" -d 'Print the job that runs this bench as N agents on Kubernetes (an Indexed Job, YAML) or Nomad (a batch job, API JSON): `mqtk bench plan k8s --shards 10 --image IMAGE [bench flags]`; each agent runs `--shard auto` with one run id and one --start-at'
complete -c mqtk -n "__fish_mqtk_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "coordinate" -d 'Start and collect a sharded run over a control broker: wait for N agents (`mqtk bench --shard I/N --control URL`), send GO, print the merged report once every result arrived; agents that left (their last will) or did not answer are named, and the exit is non-zero'
complete -c mqtk -n "__fish_mqtk_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "list" -d 'List the profiles of the config file'
complete -c mqtk -n "__fish_mqtk_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "show" -d 'Show one profile\'s settings (the --profile / MQTK_PROFILE one when NAME is left out)'
complete -c mqtk -n "__fish_mqtk_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqtk -n "__fish_mqtk_using_subcommand help; and __fish_seen_subcommand_from sys" -f -a "probe" -d 'What a broker supports (MQTT versions, CONNACK limits, QoS round trips, wildcards, shared subscriptions, largest payload) and how exposed it is'
