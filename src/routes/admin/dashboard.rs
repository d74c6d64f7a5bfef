//! `GET /admin`: lists, the last 30 days, delivery health, the consent ledger.

use actix_web::HttpResponse;

use super::{SignedIn, admin_page, when};
use crate::pages::admin::{
    Chart, ChartDay, ChartLabel, ChartSeries, DashboardPage, DeliveryError, DeliveryHealth,
    LedgerState, ListStats,
};
use crate::routes::ServerError;
use crate::services::dashboard;

pub async fn show(signed_in: SignedIn) -> Result<HttpResponse, ServerError> {
    let figures = dashboard::figures(&signed_in.state.services).await?;
    let site = signed_in.site();
    let lists = figures
        .lists
        .into_iter()
        .map(|f| {
            let (counts, total) = (f.counts, f.counts.total());
            ListStats {
                name: f.list.name,
                slug: f.list.slug,
                pending: counts.pending,
                confirmed: counts.confirmed,
                unsubscribed: counts.unsubscribed,
                confirm_rate: (total > 0).then(|| counts.ever_confirmed * 100 / total),
            }
        })
        .collect();
    let days = figures
        .days
        .into_iter()
        .map(|d| ChartDay {
            date: site.date(d.start.div_euclid(1000)),
            axis: time::OffsetDateTime::from_unix_timestamp(d.start.div_euclid(1000))
                .map(|at| site.lang.day_month(at))
                .unwrap_or_default(),
            signups: d.signups,
            confirmations: d.confirmations,
            unsubscribes: d.unsubscribes,
        })
        .collect();
    let delivery = figures.delivery;
    let health = DeliveryHealth {
        queued: delivery.queued,
        retrying: delivery.retrying,
        failed: delivery.failed,
        sent_today: delivery.sent_since,
        recent_errors: delivery
            .errors
            .into_iter()
            .map(|(kind, attempts, error, next)| DeliveryError {
                kind: kind.as_str().to_owned(),
                attempts,
                last_error: error.unwrap_or_default(),
                next_attempt: when(&site, next),
            })
            .collect(),
    };
    let (events, head) = figures.ledger;
    let check = figures.ledger_check;
    let ledger = LedgerState {
        events,
        head,
        checked_at: check.as_ref().map(|c| when(&site, c.checked_at)),
        problem: check.and_then(|c| match c.broken_event {
            Some(event) => Some(site.t2(
                "admin-ledger-problem",
                "event",
                event,
                "problem",
                c.problem.unwrap_or_default(),
            )),
            // A broken erasure's link: the problem names it.
            None => c.problem,
        }),
    };
    Ok(admin_page(&DashboardPage {
        site: &site,
        nav: signed_in.nav("dashboard"),
        lists,
        chart: chart(days),
        delivery: health,
        ledger,
        reconfirmation: figures.reconfirmation,
        turned_away: figures.turned_away,
        pow: signed_in.state.services.pow().is_some(),
        warnings: signed_in
            .state
            .services
            .sending_warnings()
            .iter()
            .map(|w| site.t(w.message_id()))
            .collect(),
    }))
}

const WIDTH: u32 = 960;
const HEIGHT: u32 = 240;
const LEFT: u32 = 44;
const RIGHT: u32 = 12;
const TOP: u32 = 12;
const BOTTOM: u32 = 28;

/// Lays out the three series as SVG polylines over a grid.
pub fn chart(days: Vec<ChartDay>) -> Chart {
    let peak = days
        .iter()
        .flat_map(|d| [d.signups, d.confirmations, d.unsubscribes])
        .max()
        .unwrap_or(0);
    let top = nice_ceiling(peak);
    let plot_w = f64::from(WIDTH - LEFT - RIGHT);
    let plot_h = f64::from(HEIGHT - TOP - BOTTOM);
    let steps = days.len().saturating_sub(1).max(1) as f64;
    let x = |i: usize| f64::from(LEFT) + plot_w * i as f64 / steps;
    let y = |v: i64| f64::from(TOP) + plot_h - plot_h * v as f64 / top as f64;
    let series = |name_id, color, value: fn(&ChartDay) -> i64| ChartSeries {
        name_id,
        color,
        points: days
            .iter()
            .enumerate()
            .map(|(i, d)| format!("{:.1},{:.1}", x(i), y(value(d))))
            .collect::<Vec<_>>()
            .join(" "),
    };
    let series = vec![
        series("admin-chart-signups", "#2563eb", |d| d.signups),
        series("admin-chart-confirmations", "#16a34a", |d| d.confirmations),
        series("admin-chart-unsubscribes", "#dc2626", |d| d.unsubscribes),
    ];
    let y_labels = (0..=4)
        .map(|k| {
            let value = top * k / 4;
            ChartLabel {
                x: LEFT - 6,
                y: y(value).round() as u32,
                text: value.to_string(),
            }
        })
        .collect();
    let x_labels = days
        .iter()
        .enumerate()
        .filter(|(i, _)| (days.len() - 1 - i).is_multiple_of(7))
        .map(|(i, d)| ChartLabel {
            x: x(i).round() as u32,
            y: HEIGHT - 8,
            text: d.axis.clone(),
        })
        .collect();
    Chart {
        width: WIDTH,
        height: HEIGHT,
        series,
        x_labels,
        y_labels,
        days,
    }
}

/// The smallest of 4, 8, 20, 40, 80, 200… at or above `value`: round
/// numbers that split into four equal grid steps.
fn nice_ceiling(value: i64) -> i64 {
    let mut scale = 1;
    loop {
        for step in [4, 8, 20] {
            if value <= step * scale {
                return step * scale;
            }
        }
        scale *= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: i64) -> ChartDay {
        ChartDay {
            date: "28 November 2026".into(),
            axis: "28 November".into(),
            signups: n,
            confirmations: n / 2,
            unsubscribes: 0,
        }
    }

    #[test]
    fn the_chart_scales_to_the_peak_and_stays_inside_the_frame() {
        let chart = chart((0..30).map(day).collect());
        assert_eq!(chart.y_labels.last().map(|l| l.text.as_str()), Some("40"));
        for s in &chart.series {
            assert_eq!(s.points.split(' ').count(), 30);
            for point in s.points.split(' ') {
                let (x, y) = point.split_once(',').expect("x,y");
                let (x, y): (f64, f64) = (x.parse().expect("x"), y.parse().expect("y"));
                assert!((f64::from(LEFT)..=f64::from(WIDTH - RIGHT)).contains(&x));
                assert!((f64::from(TOP)..=f64::from(HEIGHT - BOTTOM)).contains(&y));
            }
        }
        assert_eq!(chart.x_labels.len(), 5);
    }

    #[test]
    fn an_empty_month_still_draws() {
        let chart = chart((0..30).map(|_| day(0)).collect());
        assert_eq!(chart.y_labels.last().map(|l| l.text.as_str()), Some("4"));
        assert_eq!(nice_ceiling(41), 80);
        assert_eq!(nice_ceiling(1000), 2000);
    }
}
