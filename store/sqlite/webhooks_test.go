package sqlite

import "testing"

// TestWebhookQueryPlans checks that the dispatcher's poll reads only the
// partial index of pending deliveries (not the log, which grows with every
// event), and that queueing an event finds its webhooks by trigger.
func TestWebhookQueryPlans(t *testing.T) {
	t.Parallel()
	s := newStore(t).(*Store)
	wantPlan(t, s, "DueDeliveries", dueSQL, []any{1, 1, 10}, []string{
		`SCAN webhook_deliveries USING COVERING INDEX webhook_deliveries_pending`,
		`SEARCH d USING INTEGER PRIMARY KEY (rowid=?)`,
	}, `SCAN webhook_deliveries`, `SCAN d`)
	wantPlan(t, s, "EnqueueDeliveries", enqueueRows.sql(2), []any{0, "a", "message_sent", "{}", 1, 1, 1, "a", "group_created", "{}", 1, 1}, []string{
		`SEARCH t USING COVERING INDEX webhook_triggers_by_name (app_id=? AND trigger_name=?)`,
	}, `SCAN t`, `SCAN w`)
}
