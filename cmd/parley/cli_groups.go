package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/parleychat/parley"
)

// groupsCmd: parley groups create|list|members|add.
func groupsCmd(ctx context.Context, e *cliEnv, args []string) error {
	action, args, err := sub(args, "create", "list", "members", "add")
	if err != nil {
		return err
	}
	fs := e.flags("groups " + action)
	var guid, name, typ, owner, password, scope string
	fs.StringVar(&guid, "guid", "", "the group's id")
	fs.StringVar(&name, "name", "", "the group's name (default: the guid)")
	fs.StringVar(&typ, "type", parley.GroupPublic, "public, password or private")
	fs.StringVar(&password, "password", "", "the password of a password group")
	fs.StringVar(&owner, "owner", "", "the owner (required with a key)")
	fs.StringVar(&scope, "scope", parley.ScopeParticipant, "the scope of added members")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	s, err := e.server()
	if err != nil {
		return err
	}
	switch action {
	case "create":
		if guid == "" && len(pos) == 1 {
			guid = pos[0]
		}
		if guid == "" {
			return usagef("--guid is required")
		}
		if name == "" {
			name = guid
		}
		g, _, err := s.CreateGroup(ctx, parley.NewGroup{GUID: guid, Name: name, Type: typ, Password: password, Owner: owner})
		if err != nil {
			return err
		}
		return e.print(g, func(w io.Writer) { printGroup(w, g) })
	case "list":
		p, err := s.Groups().Limit(1000).Fetch(ctx)
		if err != nil {
			return err
		}
		return e.print(p.Items, func(w io.Writer) {
			fmt.Fprintln(w, "GUID\tNAME\tTYPE\tOWNER\tMEMBERS")
			for _, g := range p.Items {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\n", g.GUID, g.Name, g.Type, g.Owner, g.MembersCount)
			}
		})
	case "members":
		if guid, err = one(pos, "guid"); err != nil {
			return err
		}
		p, err := s.GroupMembers(guid).Limit(1000).Fetch(ctx)
		if err != nil {
			return err
		}
		return e.print(p.Items, func(w io.Writer) {
			fmt.Fprintln(w, "UID\tNAME\tSCOPE\tSTATUS\tJOINED")
			for _, m := range p.Items {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", m.UID, m.Name, m.Scope, m.Status, when(m.JoinedAt))
			}
		})
	}
	if len(pos) < 2 {
		return usagef("usage: parley groups add GUID UID...")
	}
	guid, uids := pos[0], pos[1:]
	for i, uid := range uids { // as the server folds them, which keys its answer
		uids[i] = strings.ToLower(strings.TrimSpace(uid))
	}
	var lists parley.MemberLists
	switch scope {
	case parley.ScopeAdmin:
		lists.Admins = uids
	case parley.ScopeModerator:
		lists.Moderators = uids
	case parley.ScopeParticipant:
		lists.Participants = uids
	default:
		return usagef("--scope must be admin, moderator or participant")
	}
	res, err := s.AddMembers(ctx, guid, lists)
	if err != nil {
		return err
	}
	if err := e.print(res, func(w io.Writer) {
		for _, uid := range uids {
			if r, ok := res[uid]; ok && r.Success {
				fmt.Fprintf(w, "%s:\tadded as %s\n", uid, scope)
			} else if ok && r.Error != nil {
				fmt.Fprintf(w, "%s:\t%s: %s\n", uid, r.Error.Code, r.Error.Message)
			}
		}
	}); err != nil {
		return err
	}
	for _, uid := range uids {
		if r := res[uid]; !r.Success {
			code := parley.CodeInvalidParam
			if r.Error != nil {
				code = r.Error.Code
			}
			return &parley.Error{Kind: parley.KindInvalid, Code: code, Message: "not every user was added"}
		}
	}
	return nil
}

func printGroup(w io.Writer, g *parley.Group) {
	fmt.Fprintf(w, "GUID:\t%s\nName:\t%s\nType:\t%s\nOwner:\t%s\nMembers:\t%d\n", g.GUID, g.Name, g.Type, g.Owner, g.MembersCount)
}
