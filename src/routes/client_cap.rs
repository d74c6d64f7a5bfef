//! At most [`MAX_IN_FLIGHT`] requests in progress per client at once. A
//! request whose body dribbles in a byte at a time holds a connection and a
//! worker's attention until its deadline; this keeps one client from
//! holding them all.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use super::{AppState, client_ip, error_page};

/// More than any browser or feed reader needs; the benchmark's 32 parallel
/// connections from one address stay well under it.
pub const MAX_IN_FLIGHT: u32 = 64;

/// Requests in progress per client.
#[derive(Default)]
pub struct InFlight(Mutex<HashMap<IpAddr, u32>>);

impl InFlight {
    fn enter(&self, client: IpAddr) -> bool {
        let mut counts = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let count = counts.entry(client).or_insert(0);
        if *count >= MAX_IN_FLIGHT {
            return false;
        }
        *count += 1;
        true
    }

    fn leave(&self, client: IpAddr) {
        let mut counts = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = counts.get_mut(&client) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&client);
            }
        }
    }
}

/// Leaves when the handler is done, however it ends.
struct Entered<'a> {
    in_flight: &'a InFlight,
    client: IpAddr,
}

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        self.in_flight.leave(self.client);
    }
}

pub async fn cap(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let client = client_ip(req.request()).map(crate::rate_limit::client_key);
    let (Some(state), Some(client)) = (state, client) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    if !state.in_flight.enter(client) {
        tracing::warn!(%client, "too many requests in progress from one client");
        let site = &state.site();
        let mut response = error_page(
            site,
            StatusCode::TOO_MANY_REQUESTS,
            &site.t("too-many-requests-title"),
            &site.t("too-many-requests"),
            None,
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        return Ok(req.into_response(response).map_into_right_body());
    }
    let _entered = Entered {
        in_flight: &state.in_flight,
        client,
    };
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}
