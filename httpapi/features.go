package httpapi

import (
	"encoding/json"
	"net/http"
)

// oneOrMany is a list of strings a client may also send as one string.
type oneOrMany []string

// UnmarshalJSON accepts ["a", "b"], "a" and null.
func (l *oneOrMany) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = nil
		if one != "" {
			*l = oneOrMany{one}
		}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

func (s *Server) restrictFeatures(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Features oneOrMany `json:"featuresToRestrict"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := s.svc.RestrictFeatures(r.Context(), r.PathValue("role"), in.Features)
	if err != nil {
		return err
	}
	return ok(w, res, nil)
}

func (s *Server) listRestrictedFeatures(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	p := q.page()
	if q.err != nil {
		return q.err
	}
	fs, meta, err := s.svc.RestrictedFeatures(r.Context(), r.PathValue("role"), p)
	return paged(w, fs, meta, err)
}

func (s *Server) allowFeatures(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Features oneOrMany `json:"featuresToAllow"`
		AllowAll bool      `json:"allowAll"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.svc.AllowFeatures(r.Context(), r.PathValue("role"), in.Features, in.AllowAll); err != nil {
		return err
	}
	return done(w, "The feature has been allowed successfully.")
}
