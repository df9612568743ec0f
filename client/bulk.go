package client

import (
	"encoding/json"

	"github.com/parleychat/parley"
)

// bulk decodes the answer of a bulk call into one result per uid. The
// server keys results by uid directly (blocks), or under the key of the
// list they answer, as CometChat's API does ({"accepted": {…}} for
// friends, {"admins": {…}, "participants": {…}} for members), next to
// fields about the whole call ({"success": true, "message": …, "friends":
// {…}}); every shape flattens to the same map.
type bulk map[string]parley.BulkResult

// UnmarshalJSON flattens the shapes.
func (b *bulk) UnmarshalJSON(data []byte) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return err
	}
	out := bulk{}
	for k, v := range top {
		var obj map[string]json.RawMessage
		if json.Unmarshal(v, &obj) != nil {
			continue // a field about the whole call
		}
		if _, ok := obj["success"]; ok {
			var r parley.BulkResult
			if err := decodeJSON(v, &r); err != nil {
				return err
			}
			out[k] = r
			continue
		}
		for uid, rv := range obj { // a list's results
			var r parley.BulkResult
			if err := decodeJSON(rv, &r); err == nil {
				out[uid] = r
			}
		}
	}
	*b = out
	return nil
}
