package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parleychat/parley"
)

// Moderate asks an app's before_message hook about a message before it is
// stored: it POSTs {trigger: "before_message", data: {message}, appId,
// webhook}, signed like every delivery, and reads the verdict from a 2xx
// answer: {"action": "allow"}, {"action": "reject", "code", "message"} or
// {"action": "rewrite", "data": {"text", "metadata", "customData"}}; an
// empty body allows. Anything else, and no answer before ctx ends, is an
// error. It implements chat.Moderator.
func (d *Dispatcher) Moderate(ctx context.Context, appID string, hook *parley.Webhook, m *parley.Message) (*parley.Verdict, error) {
	msg, err := draftJSON(m)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(map[string]json.RawMessage{"message": msg})
	if err != nil {
		return nil, err
	}
	var v parley.Verdict
	_, err = d.post(ctx, hook, appID, parley.TriggerBeforeMessage, data, 0, d.cfg.Timeout, func(b []byte) error {
		if len(bytes.TrimSpace(b)) == 0 {
			v.Action = parley.VerdictAllow
			return nil
		}
		if err := json.Unmarshal(b, &v); err != nil {
			return fmt.Errorf("the answer is not a verdict: %w", err)
		}
		switch v.Action {
		case parley.VerdictAllow, parley.VerdictReject:
		case parley.VerdictRewrite:
			if v.Rewrite == nil {
				return errors.New("a rewrite without data")
			}
		default:
			return fmt.Errorf("the answer's action %q is not allow, reject or rewrite", v.Action)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// draftJSON encodes a message not stored yet: as any message, without the
// id it does not have.
func draftJSON(m *parley.Message) (json.RawMessage, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	delete(fields, "id")
	return json.Marshal(fields)
}
