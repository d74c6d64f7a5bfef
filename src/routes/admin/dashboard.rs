//! `GET /admin`: lists, the last 30 days, delivery health.

use std::collections::HashMap;

use actix_web::HttpResponse;

use super::{SignedIn, admin_page};
use crate::db::stats::{self, DAY_MS};
use crate::db::{lists, now_ms, rfc3339};
use crate::double_opt_in::FlowError;
use crate::pages::admin::{
    Chart, ChartDay, ChartLabel, ChartSeries, DashboardPage, DeliveryError, DeliveryHealth,
    ListStats,
};
use crate::routes::ServerError;

const DAYS: i64 = 30;

pub async fn show(signed_in: SignedIn) -> Result<HttpResponse, ServerError> {
    let today = now_ms() / DAY_MS * DAY_MS;
    let (all_lists, by_status, confirmed, days, delivery) = signed_in
        .state
        .db
        .read(move |c| {
            let all_lists = lists::all(c)?;
            let by_status = stats::status_counts(c)?;
            let confirmed = stats::confirmation_counts(c)?;
            let mut days = Vec::new();
            for back in (0..DAYS).rev() {
                let start = today - back * DAY_MS;
                days.push((start, stats::acts_on_day(c, start)?));
            }
            let delivery = stats::delivery(c, today)?;
            Ok::<_, FlowError>((all_lists, by_status, confirmed, days, delivery))
        })
        .await?;

    let count = |list: i64, status: &str| {
        by_status
            .iter()
            .find(|(l, s, _)| *l == list && s == status)
            .map_or(0, |(_, _, n)| *n)
    };
    let confirmed: HashMap<i64, i64> = confirmed.into_iter().collect();
    let list_stats = all_lists
        .iter()
        .map(|l| {
            let (pending, yes, gone) = (
                count(l.id, "pending"),
                count(l.id, "confirmed"),
                count(l.id, "unsubscribed"),
            );
            let total = pending + yes + gone;
            let ever = confirmed.get(&l.id).copied().unwrap_or(0);
            ListStats {
                name: l.name.clone(),
                slug: l.slug.clone(),
                pending,
                confirmed: yes,
                unsubscribed: gone,
                confirm_rate: if total == 0 {
                    "–".into()
                } else {
                    format!("{} %", ever * 100 / total)
                },
            }
        })
        .collect();

    let days: Vec<ChartDay> = days
        .into_iter()
        .map(|(start, acts)| {
            let n = |names: &[&str]| {
                acts.iter()
                    .filter(|(a, _)| names.contains(&a.as_str()))
                    .map(|(_, n)| n)
                    .sum()
            };
            ChartDay {
                date: rfc3339(start).get(..10).unwrap_or_default().to_owned(),
                signups: n(&["requested"]),
                confirmations: n(&["confirmed"]),
                unsubscribes: n(&["unsubscribed", "declined"]),
            }
        })
        .collect();

    let health = DeliveryHealth {
        queued: delivery.queued,
        retrying: delivery.retrying,
        failed: delivery.failed,
        sent_today: delivery.sent_since,
        recent_errors: delivery
            .errors
            .into_iter()
            .map(|(kind, attempts, error, next)| DeliveryError {
                kind,
                attempts,
                last_error: error.unwrap_or_default(),
                next_attempt: rfc3339(next),
            })
            .collect(),
    };
    Ok(admin_page(&DashboardPage {
        site: &signed_in.state.site,
        nav: signed_in.nav("dashboard"),
        lists: list_stats,
        chart: chart(days),
        delivery: health,
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
    let series = |name, color, value: fn(&ChartDay) -> i64| ChartSeries {
        name,
        color,
        points: days
            .iter()
            .enumerate()
            .map(|(i, d)| format!("{:.1},{:.1}", x(i), y(value(d))))
            .collect::<Vec<_>>()
            .join(" "),
    };
    let series = vec![
        series("Signups", "#2563eb", |d| d.signups),
        series("Confirmations", "#16a34a", |d| d.confirmations),
        series("Unsubscribes", "#dc2626", |d| d.unsubscribes),
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
            text: d.date.get(5..).unwrap_or_default().to_owned(),
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
            date: "2026-11-28".into(),
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
