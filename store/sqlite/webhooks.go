package sqlite

import (
	"context"
	"fmt"
	"slices"

	"github.com/parleychat/parley"
)

const webhookColumns = `id, name, url, use_basic_auth, username, password, enabled, retry_on_failure,
	reject_on_failure, secret, created_at, updated_at`

func scanWebhook(sc scanner) (*parley.Webhook, error) {
	var w parley.Webhook
	err := sc.Scan(&w.ID, &w.Name, &w.URL, &w.UseBasicAuth, &w.Username, &w.Password, &w.Enabled,
		&w.RetryOnFailure, &w.RejectOnFailure, &w.Secret, &w.CreatedAt, &w.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &w, nil
}

// CreateWebhook stores a webhook and its triggers in one transaction;
// ErrConflict if the id is taken, ErrNotFound if the app does not exist.
func (q *queries) CreateWebhook(ctx context.Context, appID string, w *parley.Webhook) error {
	op := fmt.Sprintf("create webhook %q", w.ID)
	return q.write(ctx, func(q *queries) error {
		_, err := q.w.ExecContext(ctx,
			`INSERT INTO webhooks (app_id, `+webhookColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			appID, w.ID, w.Name, w.URL, w.UseBasicAuth, w.Username, w.Password, w.Enabled, w.RetryOnFailure,
			w.RejectOnFailure, w.Secret, w.CreatedAt, w.UpdatedAt)
		if err != nil {
			return fail(op, err)
		}
		return q.addTriggers(ctx, appID, w.ID, w.Triggers, w.CreatedAt)
	})
}

// Webhook returns one webhook with its triggers, or ErrNotFound.
func (q *queries) Webhook(ctx context.Context, appID, id string) (*parley.Webhook, error) {
	var w *parley.Webhook
	err := q.read(ctx, func(q *queries) error {
		var err error
		w, err = scanWebhook(q.r.QueryRowContext(ctx,
			`SELECT `+webhookColumns+` FROM webhooks WHERE app_id = ? AND id = ?`, appID, id))
		if err != nil {
			return err
		}
		trs, err := q.triggersOf(ctx, appID, id)
		w.Triggers = trs[id]
		return err
	})
	if err != nil {
		return nil, fail(fmt.Sprintf("webhook %q", id), err)
	}
	return w, nil
}

// Webhooks lists an app's webhooks with their triggers, oldest first.
func (q *queries) Webhooks(ctx context.Context, appID string) ([]*parley.Webhook, error) {
	var out []*parley.Webhook
	err := q.read(ctx, func(q *queries) error {
		rows, err := q.r.QueryContext(ctx,
			`SELECT `+webhookColumns+` FROM webhooks WHERE app_id = ? ORDER BY created_at, id`, appID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			w, err := scanWebhook(rows)
			if err != nil {
				return err
			}
			out = append(out, w)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		trs, err := q.triggersOf(ctx, appID, "")
		for _, w := range out {
			w.Triggers = trs[w.ID]
		}
		return err
	})
	if err != nil {
		return nil, fail("webhooks", err)
	}
	return out, nil
}

// triggersOf maps each webhook of the app (or only id, when set) to its
// triggers, sorted.
func (q *queries) triggersOf(ctx context.Context, appID, id string) (map[string][]string, error) {
	query, args := `SELECT webhook_id, trigger_name FROM webhook_triggers WHERE app_id = ?`, []any{appID}
	if id != "" {
		query, args = query+` AND webhook_id = ?`, append(args, id)
	}
	rows, err := q.r.QueryContext(ctx, query+` ORDER BY webhook_id, trigger_name`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var w, t string
		if err := rows.Scan(&w, &t); err != nil {
			return nil, err
		}
		out[w] = append(out[w], t)
	}
	return out, rows.Err()
}

// UpdateWebhook writes a webhook's settings; ErrNotFound.
func (q *queries) UpdateWebhook(ctx context.Context, appID string, w *parley.Webhook) error {
	res, err := q.w.ExecContext(ctx,
		`UPDATE webhooks SET name = ?, url = ?, use_basic_auth = ?, username = ?, password = ?, enabled = ?,
			retry_on_failure = ?, reject_on_failure = ?, updated_at = ?
		 WHERE app_id = ? AND id = ?`,
		w.Name, w.URL, w.UseBasicAuth, w.Username, w.Password, w.Enabled, w.RetryOnFailure, w.RejectOnFailure,
		w.UpdatedAt, appID, w.ID)
	return changed(fmt.Sprintf("update webhook %q", w.ID), res, err)
}

// DeleteWebhook removes a webhook and, by cascade, its triggers and
// deliveries; ErrNotFound.
func (q *queries) DeleteWebhook(ctx context.Context, appID, id string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM webhooks WHERE app_id = ? AND id = ?`, appID, id)
	return changed(fmt.Sprintf("delete webhook %q", id), res, err)
}

// AddWebhookTriggers attaches triggers; ErrNotFound if the webhook does
// not exist.
func (q *queries) AddWebhookTriggers(ctx context.Context, appID, id string, triggers []string, at int64) error {
	return q.write(ctx, func(q *queries) error {
		return q.addTriggers(ctx, appID, id, triggers, at)
	})
}

func (q *queries) addTriggers(ctx context.Context, appID, id string, triggers []string, at int64) error {
	op := fmt.Sprintf("add triggers of webhook %q", id)
	for _, t := range triggers {
		_, err := q.w.ExecContext(ctx,
			`INSERT INTO webhook_triggers (app_id, webhook_id, trigger_name, created_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT DO NOTHING`, appID, id, t, at)
		if err != nil {
			return fail(op, err)
		}
	}
	return nil
}

// RemoveWebhookTriggers detaches triggers.
func (q *queries) RemoveWebhookTriggers(ctx context.Context, appID, id string, triggers []string) error {
	return q.write(ctx, func(q *queries) error {
		for _, t := range triggers {
			_, err := q.w.ExecContext(ctx,
				`DELETE FROM webhook_triggers WHERE app_id = ? AND webhook_id = ? AND trigger_name = ?`, appID, id, t)
			if err != nil {
				return fail(fmt.Sprintf("remove triggers of webhook %q", id), err)
			}
		}
		return nil
	})
}

// enqueueRows queues events (rows of seq, app id, trigger, data, next_at,
// time) for the enabled webhooks that take their triggers, found by
// webhook_triggers_by_name: one statement for a whole batch of events,
// in the order of seq (and, for one event, of the webhooks' creation).
var enqueueRows = multiRow{
	head: `WITH v(seq, app_id, trigger_name, data, next_at, at) AS (VALUES `,
	tail: `) INSERT INTO webhook_deliveries (app_id, webhook_id, trigger_name, data, status, next_at, created_at, updated_at)
	SELECT t.app_id, t.webhook_id, t.trigger_name, v.data, 'pending', v.next_at, v.at, v.at
	FROM v JOIN webhook_triggers t ON t.app_id = v.app_id AND t.trigger_name = v.trigger_name
	JOIN webhooks w ON w.app_id = t.app_id AND w.id = t.webhook_id
	WHERE w.enabled = 1
	ORDER BY v.seq, w.created_at, w.id`,
	width: 6,
}

// EnqueueDeliveries queues each event for every enabled webhook that takes
// its trigger; the store fans out, and an event no webhook takes writes
// nothing.
func (q *queries) EnqueueDeliveries(ctx context.Context, appID string, ds []parley.NewDelivery, at int64) error {
	if len(ds) == 0 {
		return nil
	}
	args := make([]any, 0, len(ds)*enqueueRows.width)
	for i, d := range ds {
		args = append(args, i, appID, d.Trigger, string(d.Data), at, at/1000)
	}
	return q.write(ctx, func(q *queries) error {
		if err := q.execRows(ctx, enqueueRows, args, nil); err != nil {
			return fail(fmt.Sprintf("enqueue %d deliveries", len(ds)), err)
		}
		return nil
	})
}

const deliveryColumns = `id, app_id, webhook_id, trigger_name, data, status, attempts, last_error, last_status,
	next_at, locked_until, created_at, updated_at, delivered_at`

func scanDelivery(sc scanner, extra ...any) (*parley.Delivery, error) {
	var (
		d    parley.Delivery
		data string
	)
	dest := append([]any{&d.ID, &d.AppID, &d.WebhookID, &d.Trigger, &data, &d.Status, &d.Attempts, &d.LastError,
		&d.LastStatus, &d.NextAt, &d.LockedUntil, &d.CreatedAt, &d.UpdatedAt, &d.DeliveredAt}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	d.Data = []byte(data)
	return &d, nil
}

// Deliveries lists a page of a webhook's log, newest first, with the total.
func (q *queries) Deliveries(ctx context.Context, appID, webhookID string, f parley.DeliveryFilter) ([]*parley.Delivery, int, error) {
	where, args := `app_id = ? AND webhook_id = ?`, []any{appID, webhookID}
	if f.Status != "" {
		where, args = where+` AND status = ?`, append(args, f.Status)
	}
	var (
		out   []*parley.Delivery
		total int
	)
	err := q.read(ctx, func(q *queries) error {
		if err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE `+where, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := q.r.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE `+where+
			` ORDER BY id DESC LIMIT ? OFFSET ?`, append(slices.Clip(args), f.PerPage, f.Offset())...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDelivery(rows)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fail(fmt.Sprintf("deliveries of webhook %q", webhookID), err)
	}
	return out, total, nil
}

// Delivery returns one delivery of a webhook, or ErrNotFound.
func (q *queries) Delivery(ctx context.Context, appID, webhookID string, id int64) (*parley.Delivery, error) {
	d, err := scanDelivery(q.r.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE app_id = ? AND webhook_id = ? AND id = ?`, appID, webhookID, id))
	if err != nil {
		return nil, fail(fmt.Sprintf("delivery %d", id), err)
	}
	return d, nil
}

// Redeliver queues a pending copy of a delivery at the end of its queue.
func (q *queries) Redeliver(ctx context.Context, appID, webhookID string, id int64, at int64) (*parley.Delivery, error) {
	var d *parley.Delivery
	err := q.write(ctx, func(q *queries) error {
		res, err := q.w.ExecContext(ctx,
			`INSERT INTO webhook_deliveries (app_id, webhook_id, trigger_name, data, status, next_at, created_at, updated_at)
			 SELECT app_id, webhook_id, trigger_name, data, 'pending', ?, ?, ?
			 FROM webhook_deliveries WHERE app_id = ? AND webhook_id = ? AND id = ?`,
			at, at/1000, at/1000, appID, webhookID, id)
		if err := changed("redeliver", res, err); err != nil {
			return err
		}
		nid, err := res.LastInsertId()
		if err != nil {
			return err
		}
		d, err = scanDelivery(q.w.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE id = ?`, nid))
		return err
	})
	if err != nil {
		return nil, fail(fmt.Sprintf("redeliver %d", id), err)
	}
	return d, nil
}

// dueSQL finds the heads of the pending queues: the oldest pending id of
// each webhook, from the partial index webhook_deliveries_pending.
const dueSQL = `SELECT d.id, d.app_id, d.webhook_id, d.trigger_name, d.data, d.status,
			d.attempts, d.last_error, d.last_status, d.next_at, d.locked_until, d.created_at, d.updated_at,
			d.delivered_at, w.url, w.use_basic_auth, w.username, w.password, w.retry_on_failure, w.secret
		FROM (SELECT MIN(id) AS id FROM webhook_deliveries WHERE status = 'pending' GROUP BY app_id, webhook_id) h
		JOIN webhook_deliveries d ON d.id = h.id
		JOIN webhooks w ON w.app_id = d.app_id AND w.id = d.webhook_id
		WHERE w.enabled = 1 AND d.next_at <= ? AND d.locked_until <= ?
		ORDER BY d.next_at, d.id LIMIT ?`

// DueDeliveries returns the heads of the pending queues of enabled
// webhooks that are due and not leased. The heads come from the partial
// index of pending rows (the oldest id per webhook); a head that is not due
// keeps the rest of its queue waiting, which is what orders a webhook's
// deliveries.
func (q *queries) DueDeliveries(ctx context.Context, now int64, limit int) ([]*parley.DueDelivery, error) {
	rows, err := q.r.QueryContext(ctx, dueSQL, now, now, limit)
	if err != nil {
		return nil, fail("due deliveries", err)
	}
	defer rows.Close()
	var out []*parley.DueDelivery
	for rows.Next() {
		var w parley.Webhook
		d, err := scanDelivery(rows, &w.URL, &w.UseBasicAuth, &w.Username, &w.Password, &w.RetryOnFailure, &w.Secret)
		if err != nil {
			return nil, fail("due deliveries", err)
		}
		w.ID, w.Enabled = d.WebhookID, true
		out = append(out, &parley.DueDelivery{Delivery: *d, Webhook: w})
	}
	if err := rows.Err(); err != nil {
		return nil, fail("due deliveries", err)
	}
	return out, nil
}

// ClaimDelivery leases a pending delivery whose lease has run out.
func (q *queries) ClaimDelivery(ctx context.Context, id, now, until int64) (bool, error) {
	res, err := q.w.ExecContext(ctx, `UPDATE webhook_deliveries SET locked_until = ?
		WHERE id = ? AND status = 'pending' AND locked_until <= ?`, until, id, now)
	if err != nil {
		return false, fail(fmt.Sprintf("claim delivery %d", id), err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FinishDelivery records an attempt and ends the lease; ErrNotFound.
func (q *queries) FinishDelivery(ctx context.Context, id int64, o parley.DeliveryOutcome) error {
	res, err := q.w.ExecContext(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = ?, last_error = ?,
			last_status = ?, next_at = ?, locked_until = 0, updated_at = ?, delivered_at = ?
		WHERE id = ?`, o.Status, o.Attempts, o.LastError, o.LastStatus, o.NextAt, o.UpdatedAt, o.DeliveredAt, id)
	return changed(fmt.Sprintf("finish delivery %d", id), res, err)
}

// ReleaseDelivery ends a lease without recording an attempt.
func (q *queries) ReleaseDelivery(ctx context.Context, id int64) error {
	_, err := q.w.ExecContext(ctx, `UPDATE webhook_deliveries SET locked_until = 0 WHERE id = ?`, id)
	if err != nil {
		return fail(fmt.Sprintf("release delivery %d", id), err)
	}
	return nil
}

// PruneDeliveries removes delivered and failed deliveries older than before.
func (q *queries) PruneDeliveries(ctx context.Context, before int64) (int, error) {
	res, err := q.w.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE status <> 'pending' AND updated_at < ?`, before)
	if err != nil {
		return 0, fail("prune deliveries", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
