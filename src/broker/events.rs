//! `mqtk broker -v`: one stderr line per client connect, disconnect and subscription, so a CI log
//! shows who talked to the broker. Publishes are not logged (they would drown everything else).

use std::future::Future;
use std::pin::Pin;

use mqtt5::broker::events::{
    BrokerEventHandler, ClientConnectEvent, ClientDisconnectEvent, ClientSubscribeEvent,
};

pub(super) struct StderrLog;

fn log(line: String) {
    crate::output::info(&format!("broker: {line}"));
}

impl BrokerEventHandler for StderrLog {
    fn on_client_connect<'a>(
        &'a self,
        event: ClientConnectEvent,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        let user = event
            .user_id
            .as_deref()
            .map(|u| format!(" as user '{u}'"))
            .unwrap_or_default();
        let session = if event.clean_start {
            "clean session"
        } else {
            "persistent session"
        };
        log(format!(
            "client '{}' connected{user} ({session})",
            event.client_id
        ));
        Box::pin(async {})
    }

    fn on_client_disconnect<'a>(
        &'a self,
        event: ClientDisconnectEvent,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        let how = if event.unexpected {
            format!(" unexpectedly ({:?})", event.reason)
        } else {
            String::new()
        };
        log(format!("client '{}' disconnected{how}", event.client_id));
        Box::pin(async {})
    }

    fn on_client_subscribe<'a>(
        &'a self,
        event: ClientSubscribeEvent,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        for sub in &event.subscriptions {
            log(format!(
                "client '{}' subscribed to '{}' ({:?}, {:?})",
                event.client_id, sub.topic_filter, sub.qos, sub.result
            ));
        }
        Box::pin(async {})
    }
}
