package chat

import (
	"github.com/parleychat/parley"
)

// messageLimit fills in and bounds a message page size.
func (s *Service) messageLimit(f *parley.MessageFilter) error {
	if f.Limit < 0 || f.AfterID < 0 || f.BeforeID < 0 {
		return invalid("limit and id must be positive")
	}
	if f.Limit == 0 {
		f.Limit = s.limits.DefaultPerPage
	}
	if f.Limit > s.limits.MaxPerPage {
		f.Limit = s.limits.MaxPerPage
	}
	return nil
}

// MessagePage is one page of a message list and the filter that made it
// (with the limit in force).
type MessagePage struct {
	Messages []*parley.Message
	Filter   parley.MessageFilter
}
