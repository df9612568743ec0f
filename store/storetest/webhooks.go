package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/parleychat/parley"
)

// mustWebhook stores a webhook taking triggers, created at t0+n.
func mustWebhook(t *testing.T, s parley.Tx, appID, id string, n int64, triggers ...string) *parley.Webhook {
	t.Helper()
	w := &parley.Webhook{ID: id, Name: "Hook " + id, URL: "https://example.com/" + id, Enabled: true,
		RetryOnFailure: true, Secret: "secret-" + id, Triggers: triggers, CreatedAt: t0 + n}
	must(t, s.CreateWebhook(t.Context(), appID, w), "CreateWebhook "+id)
	return w
}

// deliveryIDs lists the ids of ds, in order.
func deliveryIDs(ds []*parley.Delivery) []int64 {
	out := []int64{}
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

// TestWebhooks tests webhooks, their triggers, and their delivery queue.
func TestWebhooks(t *testing.T, newStore func(t *testing.T) parley.Store) {
	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		want := &parley.Webhook{ID: "hook", Name: "Hook", URL: "https://example.com/in", UseBasicAuth: true,
			Username: "u", Password: "p", Enabled: true, RetryOnFailure: true, RejectOnFailure: true,
			Secret: "s3cret", Triggers: []string{"message_sent", "group_created"}, CreatedAt: t0, UpdatedAt: t0 + 1}
		must(t, s.CreateWebhook(t.Context(), a.ID, want), "CreateWebhook")
		got, err := s.Webhook(t.Context(), a.ID, "hook")
		must(t, err, "Webhook")
		want.Triggers = []string{"group_created", "message_sent"} // sorted
		wantEqual(t, want, got, "webhook")

		got.Name, got.URL, got.UseBasicAuth, got.Username, got.Password = "Renamed", "http://x/y", false, "", ""
		got.Enabled, got.RetryOnFailure, got.RejectOnFailure, got.UpdatedAt = false, false, false, t0+9
		must(t, s.UpdateWebhook(t.Context(), a.ID, got), "UpdateWebhook")
		again, err := s.Webhook(t.Context(), a.ID, "hook")
		must(t, err, "Webhook")
		wantEqual(t, got, again, "webhook after update")

		must(t, s.DeleteWebhook(t.Context(), a.ID, "hook"), "DeleteWebhook")
		_, err = s.Webhook(t.Context(), a.ID, "hook")
		wantErr(t, err, parley.ErrNotFound, "Webhook after delete")
	})

	t.Run("ConflictAndNotFound", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		mustWebhook(t, s, a.ID, "hook", 0)
		err := s.CreateWebhook(t.Context(), a.ID, &parley.Webhook{ID: "hook", Name: "again", URL: "http://x", Secret: "s", CreatedAt: t0})
		wantErr(t, err, parley.ErrConflict, "CreateWebhook with a taken id")
		err = s.CreateWebhook(t.Context(), "app-none", &parley.Webhook{ID: "h", Name: "n", URL: "http://x", Secret: "s", CreatedAt: t0})
		wantErr(t, err, parley.ErrNotFound, "CreateWebhook in no app")
		wantErr(t, s.UpdateWebhook(t.Context(), a.ID, &parley.Webhook{ID: "none"}), parley.ErrNotFound, "UpdateWebhook")
		wantErr(t, s.DeleteWebhook(t.Context(), a.ID, "none"), parley.ErrNotFound, "DeleteWebhook")
		wantErr(t, s.AddWebhookTriggers(t.Context(), a.ID, "none", []string{"message_sent"}, t0), parley.ErrNotFound,
			"AddWebhookTriggers of no webhook")
		_, err = s.Delivery(t.Context(), a.ID, "hook", 99)
		wantErr(t, err, parley.ErrNotFound, "Delivery")
		_, err = s.Redeliver(t.Context(), a.ID, "hook", 99, t0*1000)
		wantErr(t, err, parley.ErrNotFound, "Redeliver")
		wantErr(t, s.FinishDelivery(t.Context(), 99, parley.DeliveryOutcome{Status: parley.DeliveryDelivered}),
			parley.ErrNotFound, "FinishDelivery")
	})

	t.Run("ListOldestFirstPerApp", func(t *testing.T) {
		s := newStore(t)
		a, b := MustCreateApp(t, s), MustCreateApp(t, s)
		mustWebhook(t, s, a.ID, "late", 20, "message_sent")
		mustWebhook(t, s, a.ID, "early", 10)
		mustWebhook(t, s, b.ID, "other", 0)
		ws, err := s.Webhooks(t.Context(), a.ID)
		must(t, err, "Webhooks")
		var ids []string
		for _, w := range ws {
			ids = append(ids, w.ID)
		}
		wantEqual(t, []string{"early", "late"}, ids, "webhooks of the app")
		wantEqual(t, []string{"message_sent"}, ws[1].Triggers, "triggers of a listed webhook")
		_, err = s.Webhook(t.Context(), a.ID, "other")
		wantErr(t, err, parley.ErrNotFound, "another app's webhook")
	})

	t.Run("Triggers", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		mustWebhook(t, s, a.ID, "hook", 0, "message_sent")
		must(t, s.AddWebhookTriggers(t.Context(), a.ID, "hook", []string{"message_sent", "user_blocked"}, t0), "add")
		must(t, s.RemoveWebhookTriggers(t.Context(), a.ID, "hook", []string{"message_sent", "group_created"}), "remove")
		w, err := s.Webhook(t.Context(), a.ID, "hook")
		must(t, err, "Webhook")
		wantEqual(t, []string{"user_blocked"}, w.Triggers, "triggers")
	})

	t.Run("EnqueueFansOutToEnabledSubscribers", func(t *testing.T) {
		s := newStore(t)
		a, b := MustCreateApp(t, s), MustCreateApp(t, s)
		mustWebhook(t, s, a.ID, "one", 1, "message_sent", "user_blocked")
		mustWebhook(t, s, a.ID, "two", 2, "message_sent")
		off := mustWebhook(t, s, a.ID, "off", 3, "message_sent")
		off.Enabled = false
		must(t, s.UpdateWebhook(t.Context(), a.ID, off), "disable")
		mustWebhook(t, s, b.ID, "elsewhere", 0, "message_sent")
		ds := []parley.NewDelivery{
			{Trigger: "message_sent", Data: json.RawMessage(`{"n":1}`)},
			{Trigger: "group_created", Data: json.RawMessage(`{"n":2}`)}, // no webhook takes it
			{Trigger: "user_blocked", Data: json.RawMessage(`{"n":3}`)},
		}
		must(t, s.InTx(t.Context(), func(tx parley.Tx) error {
			return tx.EnqueueDeliveries(t.Context(), a.ID, ds, t0*1000+500)
		}), "EnqueueDeliveries")
		got := map[string][]string{}
		for _, id := range []string{"one", "two", "off"} {
			list, total, err := s.Deliveries(t.Context(), a.ID, id, parley.DeliveryFilter{Page: parley.Page{Page: 1, PerPage: 10}})
			must(t, err, "Deliveries")
			if total != len(list) {
				t.Errorf("Deliveries of %s: total %d, listed %d", id, total, len(list))
			}
			for _, d := range list {
				got[id] = append(got[id], fmt.Sprintf("%s %s %s %d %d", d.Trigger, d.Data, d.Status, d.Attempts, d.CreatedAt))
			}
		}
		wantEqual(t, map[string][]string{
			"one": {"user_blocked {\"n\":3} pending 0 1700000000", "message_sent {\"n\":1} pending 0 1700000000"},
			"two": {"message_sent {\"n\":1} pending 0 1700000000"},
		}, got, "deliveries queued, newest first")
		other, _, err := s.Deliveries(t.Context(), b.ID, "elsewhere", parley.DeliveryFilter{Page: parley.Page{Page: 1, PerPage: 10}})
		must(t, err, "Deliveries")
		if len(other) != 0 {
			t.Errorf("another app's webhook got %d deliveries", len(other))
		}
	})

	t.Run("EnqueueRollsBackWithItsTransaction", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		mustWebhook(t, s, a.ID, "hook", 0, "message_sent")
		boom := errors.New("boom")
		err := s.InTx(t.Context(), func(tx parley.Tx) error {
			if err := tx.EnqueueDeliveries(t.Context(), a.ID,
				[]parley.NewDelivery{{Trigger: "message_sent", Data: json.RawMessage(`{}`)}}, t0*1000); err != nil {
				return err
			}
			return boom
		})
		wantErr(t, err, boom, "InTx")
		due, err := s.DueDeliveries(t.Context(), t0*1000+1, 10)
		must(t, err, "DueDeliveries")
		if len(due) != 0 {
			t.Errorf("a rolled back enqueue left %d deliveries", len(due))
		}
	})

	t.Run("QueueHeadsLeasesAndOutcomes", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		mustWebhook(t, s, a.ID, "one", 1, "message_sent")
		mustWebhook(t, s, a.ID, "two", 2, "message_sent")
		off := mustWebhook(t, s, a.ID, "off", 3, "message_sent")
		now := int64(t0 * 1000)
		for i := range 3 {
			must(t, s.EnqueueDeliveries(t.Context(), a.ID,
				[]parley.NewDelivery{{Trigger: "message_sent", Data: json.RawMessage(fmt.Sprint(i))}}, now), "enqueue")
		}
		off.Enabled = false // its queue holds until it is enabled again
		must(t, s.UpdateWebhook(t.Context(), a.ID, off), "disable")
		heads := func(at int64) map[string]string {
			t.Helper()
			due, err := s.DueDeliveries(t.Context(), at, 10)
			must(t, err, "DueDeliveries")
			out := map[string]string{}
			for _, d := range due {
				out[d.WebhookID] = string(d.Data)
				if d.Webhook.Secret != "secret-"+d.WebhookID || d.Webhook.URL == "" || !d.Webhook.RetryOnFailure {
					t.Errorf("due delivery without its webhook's settings: %+v", d.Webhook)
				}
				if d.AppID != a.ID {
					t.Errorf("due delivery of app %q, want %q", d.AppID, a.ID)
				}
			}
			return out
		}
		wantEqual(t, map[string]string{"one": "0", "two": "0"}, heads(now), "heads: the oldest of each enabled webhook")
		wantEqual(t, map[string]string{}, heads(now-1), "heads before they are due")

		due, _ := s.DueDeliveries(t.Context(), now, 10)
		one := due[0]
		if one.WebhookID != "one" {
			one = due[1]
		}
		ok, err := s.ClaimDelivery(t.Context(), one.ID, now, now+1000)
		must(t, err, "ClaimDelivery")
		if !ok {
			t.Fatal("ClaimDelivery of a free delivery: not claimed")
		}
		if ok, _ := s.ClaimDelivery(t.Context(), one.ID, now+10, now+2000); ok {
			t.Error("ClaimDelivery of a leased delivery: claimed twice")
		}
		wantEqual(t, map[string]string{"two": "0"}, heads(now+10), "heads while one's head is leased")
		wantEqual(t, map[string]string{"one": "0", "two": "0"}, heads(now+1000), "heads once the lease ran out")

		// A failed attempt with a retry due later keeps the rest of the queue waiting.
		must(t, s.FinishDelivery(t.Context(), one.ID, parley.DeliveryOutcome{Status: parley.DeliveryPending,
			Attempts: 1, LastError: "HTTP 500", LastStatus: 500, NextAt: now + 5000, UpdatedAt: t0 + 1}), "FinishDelivery")
		wantEqual(t, map[string]string{"two": "0"}, heads(now+4999), "heads while one's retry is not due")
		got, err := s.Delivery(t.Context(), a.ID, "one", one.ID)
		must(t, err, "Delivery")
		if got.Status != parley.DeliveryPending || got.Attempts != 1 || got.LastError != "HTTP 500" ||
			got.LastStatus != 500 || got.LockedUntil != 0 || got.UpdatedAt != t0+1 {
			t.Errorf("delivery after a failed attempt: %+v", got)
		}
		must(t, s.FinishDelivery(t.Context(), one.ID, parley.DeliveryOutcome{Status: parley.DeliveryDelivered,
			Attempts: 2, LastStatus: 200, UpdatedAt: t0 + 2, DeliveredAt: t0 + 2}), "FinishDelivery")
		wantEqual(t, map[string]string{"one": "1", "two": "0"}, heads(now), "heads after one's head was delivered")

		// A release ends the lease and counts no attempt.
		due, _ = s.DueDeliveries(t.Context(), now, 10)
		ok, _ = s.ClaimDelivery(t.Context(), due[0].ID, now, now+1000)
		must(t, s.ReleaseDelivery(t.Context(), due[0].ID), "ReleaseDelivery")
		got, _ = s.Delivery(t.Context(), a.ID, due[0].WebhookID, due[0].ID)
		if !ok || got.LockedUntil != 0 || got.Attempts != 0 {
			t.Errorf("delivery after a release: %+v", got)
		}

		off.Enabled = true
		must(t, s.UpdateWebhook(t.Context(), a.ID, off), "enable")
		if h := heads(now); h["off"] != "0" {
			t.Errorf("heads after enabling: %v", h)
		}
	})

	t.Run("RedeliverCopiesToTheTail", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		mustWebhook(t, s, a.ID, "hook", 0, "message_sent")
		now := int64(t0 * 1000)
		must(t, s.EnqueueDeliveries(t.Context(), a.ID, []parley.NewDelivery{
			{Trigger: "message_sent", Data: json.RawMessage(`"a"`)},
			{Trigger: "message_sent", Data: json.RawMessage(`"b"`)}}, now), "enqueue")
		list, _, _ := s.Deliveries(t.Context(), a.ID, "hook", parley.DeliveryFilter{Page: parley.Page{Page: 1, PerPage: 10}})
		first := list[1]
		must(t, s.FinishDelivery(t.Context(), first.ID, parley.DeliveryOutcome{Status: parley.DeliveryFailed,
			Attempts: 3, LastError: "gave up", UpdatedAt: t0 + 5}), "FinishDelivery")
		copyOf, err := s.Redeliver(t.Context(), a.ID, "hook", first.ID, now+7000)
		must(t, err, "Redeliver")
		if copyOf.ID <= list[0].ID || copyOf.Status != parley.DeliveryPending || copyOf.Attempts != 0 ||
			string(copyOf.Data) != `"a"` || copyOf.Trigger != "message_sent" || copyOf.NextAt != now+7000 {
			t.Errorf("redelivered copy: %+v", copyOf)
		}
		old, _ := s.Delivery(t.Context(), a.ID, "hook", first.ID)
		if old.Status != parley.DeliveryFailed || old.Attempts != 3 {
			t.Errorf("the original after a redeliver: %+v", old)
		}
		page2, total, err := s.Deliveries(t.Context(), a.ID, "hook", parley.DeliveryFilter{Page: parley.Page{Page: 2, PerPage: 2}})
		must(t, err, "Deliveries page 2")
		wantEqual(t, []int64{first.ID}, deliveryIDs(page2), "second page, newest first")
		if total != 3 {
			t.Errorf("total %d, want 3", total)
		}
		failed, total, _ := s.Deliveries(t.Context(), a.ID, "hook",
			parley.DeliveryFilter{Status: parley.DeliveryFailed, Page: parley.Page{Page: 1, PerPage: 10}})
		wantEqual(t, []int64{first.ID}, deliveryIDs(failed), "failed deliveries")
		if total != 1 {
			t.Errorf("failed total %d, want 1", total)
		}
	})

	t.Run("PruneAndCascade", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		mustWebhook(t, s, a.ID, "hook", 0, "message_sent")
		now := int64(t0 * 1000)
		for range 3 {
			must(t, s.EnqueueDeliveries(t.Context(), a.ID,
				[]parley.NewDelivery{{Trigger: "message_sent", Data: json.RawMessage(`{}`)}}, now), "enqueue")
		}
		list, _, _ := s.Deliveries(t.Context(), a.ID, "hook", parley.DeliveryFilter{Page: parley.Page{Page: 1, PerPage: 10}})
		must(t, s.FinishDelivery(t.Context(), list[2].ID, parley.DeliveryOutcome{Status: parley.DeliveryDelivered, UpdatedAt: t0 + 1}), "finish")
		must(t, s.FinishDelivery(t.Context(), list[1].ID, parley.DeliveryOutcome{Status: parley.DeliveryFailed, UpdatedAt: t0 + 50}), "finish")
		n, err := s.PruneDeliveries(t.Context(), t0+10)
		must(t, err, "PruneDeliveries")
		left, _, _ := s.Deliveries(t.Context(), a.ID, "hook", parley.DeliveryFilter{Page: parley.Page{Page: 1, PerPage: 10}})
		if n != 1 {
			t.Errorf("pruned %d, want 1", n)
		}
		wantEqual(t, []int64{list[0].ID, list[1].ID}, deliveryIDs(left), "left after pruning: the pending and the newer failed")

		must(t, s.DeleteWebhook(t.Context(), a.ID, "hook"), "DeleteWebhook")
		due, err := s.DueDeliveries(t.Context(), now+1, 10)
		must(t, err, "DueDeliveries")
		if len(due) != 0 {
			t.Errorf("a deleted webhook's queue: %d due", len(due))
		}
		mustWebhook(t, s, a.ID, "hook", 0)
		left, _, _ = s.Deliveries(t.Context(), a.ID, "hook", parley.DeliveryFilter{Page: parley.Page{Page: 1, PerPage: 10}})
		if len(left) != 0 {
			t.Errorf("a webhook made again with a deleted one's id has %d deliveries", len(left))
		}
	})
}
