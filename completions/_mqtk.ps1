
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
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publish messages (flags as mosquitto_pub)')
            [CompletionResult]::new('sub', 'sub', [CompletionResultType]::ParameterValue, 'Subscribe to topics and print messages (flags as mosquitto_sub)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqtk;pub' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host name or address')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host name or address')
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
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password (prefer --pw-file or MQTK_PASSWORD: arguments show in `ps`)')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password (prefer --pw-file or MQTK_PASSWORD: arguments show in `ps`)')
            [CompletionResult]::new('--pw-file', '--pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of FILE')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keepalive interval in seconds (0 disables it)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keepalive interval in seconds (0 disables it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'MQTT 5 session expiry interval in seconds [default with -c: never expires]')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'MQTT 5 session expiry interval in seconds [default with -c: never expires]')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (default), 5 or 31')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (default), 5 or 31')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'MQTT 5 property, as mosquitto''s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect')
            [CompletionResult]::new('--property', '--property', [CompletionResultType]::ParameterName, 'MQTT 5 property, as mosquitto''s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting after this long (e.g. 10, 5s, 500ms)')
            [CompletionResult]::new('--reconnect-attempts', '--reconnect-attempts', [CompletionResultType]::ParameterName, 'Reconnect attempts after a lost connection (0: fail at once)')
            [CompletionResult]::new('--reconnect-max-delay', '--reconnect-max-delay', [CompletionResultType]::ParameterName, 'Longest wait between reconnect attempts (backoff doubles from 100ms up to this)')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Topic of the last will message, sent by the broker if mqtk disconnects unexpectedly')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Payload of the last will message')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'QoS of the last will message')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'CA certificates (PEM) to verify the broker with; turns TLS on')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'Directory of CA certificates (PEM); turns TLS on')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for certificate authentication')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--tls-version', '--tls-version', [CompletionResultType]::ParameterName, 'Lowest TLS version to accept: tlsv1.2 or tlsv1.3')
            [CompletionResult]::new('--tls-alpn', '--tls-alpn', [CompletionResultType]::ParameterName, 'TLS ALPN protocol to offer')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Topic to publish to')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic to publish to')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Message payload')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Message payload')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Send the contents of FILE as the message')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Send the contents of FILE as the message')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Quality of service: 0, 1 or 2')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'Quality of service: 0, 1 or 2')
            [CompletionResult]::new('--repeat', '--repeat', [CompletionResultType]::ParameterName, 'Publish the message this many times')
            [CompletionResult]::new('--repeat-delay', '--repeat-delay', [CompletionResultType]::ParameterName, 'Wait this long between repeated messages (seconds, or e.g. 5s, 500ms)')
            [CompletionResult]::new('-M', '-M ', [CompletionResultType]::ParameterName, 'Most QoS 1/2 messages awaiting acknowledgement at once (MQTT 5: capped by the broker''s Receive Maximum)')
            [CompletionResult]::new('--max-inflight', '--max-inflight', [CompletionResultType]::ParameterName, 'Most QoS 1/2 messages awaiting acknowledgement at once (MQTT 5: capped by the broker''s Receive Maximum)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (persistent session; needs -i)')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (persistent session; needs -i)')
            [CompletionResult]::new('--nodelay', '--nodelay', [CompletionResultType]::ParameterName, 'Accepted for mosquitto compatibility: mqtk always disables Nagle''s algorithm')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the last will message')
            [CompletionResult]::new('--tls-use-os-certs', '--tls-use-os-certs', [CompletionResultType]::ParameterName, 'Use the operating system''s CA certificates (the default for mqtts:// without --cafile)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the broker''s certificate or host name at all (insecure; prints a warning)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print a packet trace on stderr (passwords redacted)')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print a packet trace on stderr (passwords redacted)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr (errors still show)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Read standard input whole and send it as one message')
            [CompletionResult]::new('--stdin-file', '--stdin-file', [CompletionResultType]::ParameterName, 'Read standard input whole and send it as one message')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Read standard input and send each line as a message')
            [CompletionResult]::new('--stdin-line', '--stdin-line', [CompletionResultType]::ParameterName, 'Read standard input and send each line as a message')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Send an empty (null) message')
            [CompletionResult]::new('--null-message', '--null-message', [CompletionResultType]::ParameterName, 'Send an empty (null) message')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Ask the broker to retain the message')
            [CompletionResult]::new('--retain', '--retain', [CompletionResultType]::ParameterName, 'Ask the broker to retain the message')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mqtk;sub' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host name or address')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host name or address')
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
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password (prefer --pw-file or MQTK_PASSWORD: arguments show in `ps`)')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password (prefer --pw-file or MQTK_PASSWORD: arguments show in `ps`)')
            [CompletionResult]::new('--pw-file', '--pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of FILE')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keepalive interval in seconds (0 disables it)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keepalive interval in seconds (0 disables it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'MQTT 5 session expiry interval in seconds [default with -c: never expires]')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'MQTT 5 session expiry interval in seconds [default with -c: never expires]')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (default), 5 or 31')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (default), 5 or 31')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'MQTT 5 property, as mosquitto''s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect')
            [CompletionResult]::new('--property', '--property', [CompletionResultType]::ParameterName, 'MQTT 5 property, as mosquitto''s: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting after this long (e.g. 10, 5s, 500ms)')
            [CompletionResult]::new('--reconnect-attempts', '--reconnect-attempts', [CompletionResultType]::ParameterName, 'Reconnect attempts after a lost connection (0: fail at once)')
            [CompletionResult]::new('--reconnect-max-delay', '--reconnect-max-delay', [CompletionResultType]::ParameterName, 'Longest wait between reconnect attempts (backoff doubles from 100ms up to this)')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Topic of the last will message, sent by the broker if mqtk disconnects unexpectedly')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Payload of the last will message')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'QoS of the last will message')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'CA certificates (PEM) to verify the broker with; turns TLS on')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'Directory of CA certificates (PEM); turns TLS on')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for certificate authentication')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--tls-version', '--tls-version', [CompletionResultType]::ParameterName, 'Lowest TLS version to accept: tlsv1.2 or tlsv1.3')
            [CompletionResult]::new('--tls-alpn', '--tls-alpn', [CompletionResultType]::ParameterName, 'TLS ALPN protocol to offer')
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
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Print each message with a format string (mosquitto_sub''s %-specifiers and escapes)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Print each message with a format string (mosquitto_sub''s %-specifiers and escapes)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour output: auto (only on a terminal, and not with NO_COLOR set), always or never')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (persistent session; needs -i)')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (persistent session; needs -i)')
            [CompletionResult]::new('--nodelay', '--nodelay', [CompletionResultType]::ParameterName, 'Accepted for mosquitto compatibility: mqtk always disables Nagle''s algorithm')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the last will message')
            [CompletionResult]::new('--tls-use-os-certs', '--tls-use-os-certs', [CompletionResultType]::ParameterName, 'Use the operating system''s CA certificates (the default for mqtts:// without --cafile)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the broker''s certificate or host name at all (insecure; prints a warning)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print a packet trace on stderr (passwords redacted)')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print a packet trace on stderr (passwords redacted)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr (errors still show)')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Do not print retained (stale) messages')
            [CompletionResult]::new('--no-retained', '--no-retained', [CompletionResultType]::ParameterName, 'Do not print retained (stale) messages')
            [CompletionResult]::new('--retained-only', '--retained-only', [CompletionResultType]::ParameterName, 'Print only retained messages, and exit at the first message that is not retained')
            [CompletionResult]::new('--remove-retained', '--remove-retained', [CompletionResultType]::ParameterName, 'Clear every retained message received (publishes an empty retained message to its topic)')
            [CompletionResult]::new('--retain-as-published', '--retain-as-published', [CompletionResultType]::ParameterName, 'MQTT 5: keep the retain flag as published')
            [CompletionResult]::new('--no-local', '--no-local', [CompletionResultType]::ParameterName, 'MQTT 5: do not receive messages this client published')
            [CompletionResult]::new('-E', '-E ', [CompletionResultType]::ParameterName, 'Exit once subscribed')
            [CompletionResult]::new('--exit-after-subscribe', '--exit-after-subscribe', [CompletionResultType]::ParameterName, 'Exit once subscribed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print `topic payload`')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print `topic payload`')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per message (NDJSON)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indent --json output over several lines')
            [CompletionResult]::new('-N', '-N ', [CompletionResultType]::ParameterName, 'Do not print a newline after each message')
            [CompletionResult]::new('--no-eol', '--no-eol', [CompletionResultType]::ParameterName, 'Do not print a newline after each message')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mqtk;help' {
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publish messages (flags as mosquitto_pub)')
            [CompletionResult]::new('sub', 'sub', [CompletionResultType]::ParameterValue, 'Subscribe to topics and print messages (flags as mosquitto_sub)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqtk;help;pub' {
            break
        }
        'mqtk;help;sub' {
            break
        }
        'mqtk;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
