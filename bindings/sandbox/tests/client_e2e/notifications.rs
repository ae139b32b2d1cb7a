//! Notification delivery: lost and refused notifications are retried and every copy verifies.

use crate::prelude::*;

#[test]
fn lost_notifications_are_retried_until_delivered() {
    let env = Env::start();
    let token = env.open_token(fault_card(CARD_NOTIFY_FAIL));
    let (pay, _) = env.paid(&token, 500);
    let order = pay.order_id.clone().unwrap();
    let records = env.sb.wait_notifications(Duration::from_secs(5), |l| {
        l.iter()
            .any(|r| r.get("orderId") == Some(order.as_str()) && r.delivered)
    });
    let record = records
        .iter()
        .find(|r| r.get("orderId") == Some(order.as_str()))
        .unwrap();
    let outcomes: Vec<_> = record.attempts.iter().map(|a| a.outcome.clone()).collect();
    assert_eq!(
        outcomes,
        vec![
            AttemptOutcome::LostByFault,
            AttemptOutcome::LostByFault,
            AttemptOutcome::Delivered { status: 200 }
        ]
    );
    assert_eq!(
        env.inbox
            .hits()
            .iter()
            .filter(|h| h.path == "/notify")
            .count(),
        1
    );
}

#[test]
fn notifications_answered_500_are_retried_and_every_copy_verifies() {
    let env = Env::with(sandbox_config(), 2);
    let token = env.open_token(DEBIT);
    let (pay, _) = env.paid(&token, 500);
    let order = pay.order_id.clone().unwrap();
    env.sb.wait_notifications(Duration::from_secs(5), |l| {
        l.iter()
            .any(|r| r.get("orderId") == Some(order.as_str()) && r.delivered)
    });
    let hits: Vec<_> = env
        .inbox
        .hits()
        .into_iter()
        .filter(|h| h.path == "/notify")
        .collect();
    assert_eq!(
        hits.iter().map(|h| h.status).collect::<Vec<_>>(),
        vec![500, 500, 200]
    );
    for hit in &hits {
        assert_eq!(
            hit.body, hits[0].body,
            "retries resend the same notification"
        );
        let n = env
            .client
            .verify_notification(&hit.body, env.now())
            .unwrap();
        assert!(n.matches(&pay));
    }
    let record = env
        .sb
        .notifications_sent()
        .into_iter()
        .find(|r| r.get("orderId") == pay.order_id.as_deref())
        .unwrap();
    assert!(record.delivered && !record.gave_up);
    assert_eq!(record.attempts.len(), 3);
    assert!(matches!(
        record.attempts[0].outcome,
        AttemptOutcome::Failed {
            status: Some(500),
            ..
        }
    ));
}
