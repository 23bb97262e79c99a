//! `-D COMMAND NAME VALUE` MQTT 5 properties (mosquitto's names), parsed and checked before
//! connecting into the codec's property structs.

use bytes::Bytes;
use rumqttc::v5::mqttbytes::v5::{
    ConnectProperties, DisconnectProperties, LastWillProperties, SubscribeProperties,
    UnsubscribeProperties,
};

use crate::message::PublishProperties;

/// Properties per packet type, from all `-D` flags.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Properties {
    pub connect: Option<ConnectProperties>,
    pub publish: Option<PublishProperties>,
    pub subscribe: Option<SubscribeProperties>,
    pub unsubscribe: Option<UnsubscribeProperties>,
    pub will: Option<LastWillProperties>,
    /// Sent with the DISCONNECT that ends a session cleanly.
    pub disconnect: Option<DisconnectProperties>,
}

impl Properties {
    pub fn is_empty(&self) -> bool {
        *self == Properties::default()
    }
}

/// Parses the values of all `-D` flags, in order. clap hands them over flattened, so they are
/// regrouped here: `user-property` takes a key and a value, every other property one value.
pub fn parse(values: &[String]) -> Result<Properties, String> {
    let mut props = Properties::default();
    let mut rest = values;
    while !rest.is_empty() {
        let len = match rest.get(1).map(String::as_str) {
            Some("user-property") => 4,
            _ => 3,
        };
        if rest.len() < len {
            return Err(format!("-D {} needs more values", rest.join(" ")));
        }
        apply(&mut props, &rest[..len])?;
        rest = &rest[len..];
    }
    Ok(props)
}

fn apply(props: &mut Properties, occ: &[String]) -> Result<(), String> {
    let (command, name) = match occ {
        [c, n, ..] => (c.as_str(), n.as_str()),
        _ => return Err("-D needs COMMAND NAME VALUE".into()),
    };
    let value = &occ[2..];
    let one = || -> Result<&str, String> {
        match value {
            [v] => Ok(v.as_str()),
            _ => Err(format!("-D {command} {name} takes one value")),
        }
    };
    let user = || -> Result<(String, String), String> {
        match value {
            [k, v] => Ok((k.clone(), v.clone())),
            _ => Err(format!("-D {command} user-property needs KEY VALUE")),
        }
    };
    let unknown = || {
        Err(format!(
            "-D {command}: property '{name}' is unknown or not allowed for {command}"
        ))
    };
    match command {
        "connect" => {
            let p = props.connect.get_or_insert_with(ConnectProperties::new);
            match name {
                "user-property" => p.user_properties.push(user()?),
                "session-expiry-interval" => p.session_expiry_interval = Some(num(name, one()?)?),
                "receive-maximum" => p.receive_maximum = Some(nonzero16(name, one()?)?),
                "maximum-packet-size" => p.max_packet_size = Some(nonzero32(name, one()?)?),
                "topic-alias-maximum" => p.topic_alias_max = Some(num(name, one()?)?),
                "request-problem-information" => p.request_problem_info = Some(flag(name, one()?)?),
                "request-response-information" => {
                    p.request_response_info = Some(flag(name, one()?)?)
                }
                "authentication-method" => p.authentication_method = Some(one()?.to_string()),
                "authentication-data" => {
                    p.authentication_data = Some(Bytes::from(one()?.as_bytes().to_vec()))
                }
                _ => return unknown(),
            }
        }
        "publish" => {
            let p = props.publish.get_or_insert_with(PublishProperties::default);
            match name {
                "user-property" => p.user_properties.push(user()?),
                "content-type" => p.content_type = Some(one()?.to_string()),
                "response-topic" => {
                    let t = one()?;
                    super::topic::validate_topic(t).map_err(|e| format!("response-topic: {e}"))?;
                    p.response_topic = Some(t.to_string())
                }
                "correlation-data" => {
                    p.correlation_data = Some(Bytes::from(one()?.as_bytes().to_vec()))
                }
                "message-expiry-interval" => p.message_expiry_interval = Some(num(name, one()?)?),
                "payload-format-indicator" => {
                    p.payload_format_indicator = Some(flag(name, one()?)?)
                }
                "topic-alias" => p.topic_alias = Some(nonzero16(name, one()?)?),
                _ => return unknown(),
            }
        }
        "subscribe" => {
            let p = props.subscribe.get_or_insert(SubscribeProperties {
                id: None,
                user_properties: Vec::new(),
            });
            match name {
                "user-property" => p.user_properties.push(user()?),
                "subscription-identifier" => {
                    let id: u32 = num(name, one()?)?;
                    if !(1..=268_435_455).contains(&id) {
                        return Err(format!(
                            "-D subscribe subscription-identifier must be 1 to 268435455, not {id}"
                        ));
                    }
                    p.id = Some(id as usize)
                }
                _ => return unknown(),
            }
        }
        "unsubscribe" => {
            let p = props.unsubscribe.get_or_insert(UnsubscribeProperties {
                user_properties: Vec::new(),
            });
            match name {
                "user-property" => p.user_properties.push(user()?),
                _ => return unknown(),
            }
        }
        "will" => {
            let p = props.will.get_or_insert(LastWillProperties {
                delay_interval: None,
                payload_format_indicator: None,
                message_expiry_interval: None,
                content_type: None,
                response_topic: None,
                correlation_data: None,
                user_properties: Vec::new(),
            });
            match name {
                "user-property" => p.user_properties.push(user()?),
                "will-delay-interval" => p.delay_interval = Some(num(name, one()?)?),
                "payload-format-indicator" => {
                    p.payload_format_indicator = Some(flag(name, one()?)?)
                }
                "message-expiry-interval" => p.message_expiry_interval = Some(num(name, one()?)?),
                "content-type" => p.content_type = Some(one()?.to_string()),
                "response-topic" => p.response_topic = Some(one()?.to_string()),
                "correlation-data" => {
                    p.correlation_data = Some(Bytes::from(one()?.as_bytes().to_vec()))
                }
                _ => return unknown(),
            }
        }
        "disconnect" => {
            let p = props.disconnect.get_or_insert(DisconnectProperties {
                session_expiry_interval: None,
                reason_string: None,
                user_properties: Vec::new(),
                server_reference: None,
            });
            match name {
                "user-property" => p.user_properties.push(user()?),
                "session-expiry-interval" => p.session_expiry_interval = Some(num(name, one()?)?),
                "reason-string" => p.reason_string = Some(one()?.to_string()),
                _ => return unknown(),
            }
        }
        other => {
            return Err(format!(
                "-D: unknown command '{other}' (use connect, publish, subscribe, unsubscribe, will \
                 or disconnect)"
            ));
        }
    }
    Ok(())
}

fn num<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("-D {name}: '{v}' is not a valid number for this property"))
}

fn nonzero16(name: &str, v: &str) -> Result<u16, String> {
    match num::<u16>(name, v)? {
        0 => Err(format!("-D {name} must not be 0")),
        n => Ok(n),
    }
}

fn nonzero32(name: &str, v: &str) -> Result<u32, String> {
    match num::<u32>(name, v)? {
        0 => Err(format!("-D {name} must not be 0")),
        n => Ok(n),
    }
}

fn flag(name: &str, v: &str) -> Result<u8, String> {
    match v {
        "0" => Ok(0),
        "1" => Ok(1),
        _ => Err(format!("-D {name} must be 0 or 1, not '{v}'")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occ(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn parse(groups: &[Vec<String>]) -> Result<Properties, String> {
        super::parse(&groups.concat())
    }

    #[test]
    fn parses_mosquitto_forms() {
        let p = parse(&[
            occ(&["publish", "user-property", "k", "v"]),
            occ(&["publish", "user-property", "a", "b"]),
            occ(&["publish", "content-type", "text/plain"]),
            occ(&["publish", "message-expiry-interval", "60"]),
            occ(&["connect", "receive-maximum", "10"]),
            occ(&["subscribe", "subscription-identifier", "5"]),
        ])
        .unwrap();
        let publish = p.publish.unwrap();
        assert_eq!(
            publish.user_properties,
            vec![("k".into(), "v".into()), ("a".into(), "b".into())]
        );
        assert_eq!(publish.content_type.as_deref(), Some("text/plain"));
        assert_eq!(publish.message_expiry_interval, Some(60));
        assert_eq!(p.connect.unwrap().receive_maximum, Some(10));
        assert_eq!(p.subscribe.unwrap().id, Some(5));
    }

    #[test]
    fn rejects_bad_properties() {
        for bad in [
            occ(&["publish", "no-such-thing", "1"]),
            occ(&["bogus", "user-property", "a", "b"]),
            occ(&["connect", "receive-maximum", "0"]),
            occ(&["connect", "receive-maximum", "x"]),
            occ(&["publish", "payload-format-indicator", "2"]),
            occ(&["publish", "user-property", "novalue"]),
            occ(&["publish"]),
            occ(&["subscribe", "content-type", "x"]),
        ] {
            assert!(parse(std::slice::from_ref(&bad)).is_err(), "{bad:?}");
        }
    }
}
