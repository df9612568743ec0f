package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/client"
)

// sub splits "create --name x" into the action and the rest.
func sub(args []string, actions ...string) (string, []string, error) {
	if len(args) == 0 || !slices.Contains(actions, args[0]) {
		return "", nil, usagef("expected one of %s", strings.Join(actions, ", "))
	}
	return args[0], args[1:], nil
}

// appsCmd: parley apps create|list|delete, with the operator token.
func appsCmd(ctx context.Context, e *cliEnv, args []string) error {
	action, args, err := sub(args, "create", "list", "delete")
	if err != nil {
		return err
	}
	fs := e.flags("apps " + action)
	var name, region string
	fs.StringVar(&name, "name", "", "the app's name")
	fs.StringVar(&region, "region", "", "a region label")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if e.operator == "" {
		return usagef("--operator-token (or $PARLEY_OPERATOR_TOKEN) is required")
	}
	c, err := client.New(client.Settings{BaseURL: e.url, AppID: e.app})
	if err != nil {
		return err
	}
	op := c.WithOperator(e.operator)
	switch action {
	case "create":
		if name == "" {
			return usagef("--name is required")
		}
		a, err := op.CreateApp(ctx, name, region)
		if err != nil {
			return err
		}
		return e.print(a, func(w io.Writer) {
			fmt.Fprintf(w, "App ID:\t%s\nName:\t%s\n", a.ID, a.Name)
			for _, k := range a.Keys {
				fmt.Fprintf(w, "%s (%s):\t%s\n", k.Name, k.Scope, k.Key)
			}
			fmt.Fprintln(w, "The keys are shown this once: keep them.")
		})
	case "list":
		as, err := op.Apps(ctx)
		if err != nil {
			return err
		}
		return e.print(as, func(w io.Writer) {
			fmt.Fprintln(w, "APP ID\tNAME\tREGION\tCREATED")
			for _, a := range as {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", a.ID, a.Name, a.Region, when(a.CreatedAt))
			}
		})
	}
	id, err := one(pos, "App ID")
	if err != nil {
		return err
	}
	if err := op.DeleteApp(ctx, id); err != nil {
		return err
	}
	return e.print(map[string]any{"success": true, "appId": id}, func(w io.Writer) { fmt.Fprintf(w, "deleted app %s\n", id) })
}

// keysCmd: parley keys create|list|revoke.
func keysCmd(ctx context.Context, e *cliEnv, args []string) error {
	action, args, err := sub(args, "create", "list", "revoke")
	if err != nil {
		return err
	}
	fs := e.flags("keys " + action)
	var name, scope string
	fs.StringVar(&name, "name", "", "the key's name")
	fs.StringVar(&scope, "scope", parley.ScopeFullAccess, "fullAccess or authOnly")
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
		if name == "" {
			return usagef("--name is required")
		}
		k, err := s.CreateAPIKey(ctx, name, scope)
		if err != nil {
			return err
		}
		return e.print(k, func(w io.Writer) {
			fmt.Fprintf(w, "%s (%s, id %s):\t%s\nThe key is shown this once: keep it.\n", k.Name, k.Scope, k.ID, k.Key)
		})
	case "list":
		ks, err := s.APIKeys(ctx)
		if err != nil {
			return err
		}
		return e.print(ks, func(w io.Writer) {
			fmt.Fprintln(w, "ID\tNAME\tSCOPE\tCREATED")
			for _, k := range ks {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Scope, when(k.CreatedAt))
			}
		})
	}
	id, err := one(pos, "key id")
	if err != nil {
		return err
	}
	if err := s.DeleteAPIKey(ctx, id); err != nil {
		return err
	}
	return e.print(map[string]any{"success": true, "id": id}, func(w io.Writer) { fmt.Fprintf(w, "revoked key %s\n", id) })
}

// usersCmd: parley users create|get|list|delete.
func usersCmd(ctx context.Context, e *cliEnv, args []string) error {
	action, args, err := sub(args, "create", "get", "list", "delete")
	if err != nil {
		return err
	}
	fs := e.flags("users " + action)
	var uid, name, role, search string
	var limit int
	var permanent bool
	fs.StringVar(&uid, "uid", "", "the user's id")
	fs.StringVar(&name, "name", "", "the user's name (default: the uid)")
	fs.StringVar(&role, "role", "", "the user's role")
	fs.StringVar(&search, "search", "", "list users whose uid or name begins with this")
	fs.IntVar(&limit, "limit", 100, "how many users to list")
	fs.BoolVar(&permanent, "permanent", false, "delete the user and their messages for good")
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
		if uid == "" && len(pos) == 1 {
			uid = pos[0]
		}
		if uid == "" {
			return usagef("--uid is required")
		}
		if name == "" {
			name = uid
		}
		u, err := s.CreateUser(ctx, parley.NewUser{UID: uid, Name: name, Role: role})
		if err != nil {
			return err
		}
		return e.print(u, func(w io.Writer) { printUser(w, u) })
	case "list":
		p, err := s.Users().SearchKey(search).Limit(limit).Fetch(ctx)
		if err != nil {
			return err
		}
		return e.print(p.Items, func(w io.Writer) {
			fmt.Fprintln(w, "UID\tNAME\tROLE\tSTATUS")
			for _, u := range p.Items {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", u.UID, u.Name, u.Role, u.Status)
			}
			if p.Pagination.Total > len(p.Items) {
				fmt.Fprintf(w, "(%d of %d users)\n", len(p.Items), p.Pagination.Total)
			}
		})
	}
	if uid == "" {
		if uid, err = one(pos, "uid"); err != nil {
			return err
		}
	}
	if action == "get" {
		u, err := s.User(ctx, uid)
		if err != nil {
			return err
		}
		return e.print(u, func(w io.Writer) { printUser(w, u) })
	}
	if err := s.DeleteUser(ctx, uid, permanent); err != nil {
		return err
	}
	return e.print(map[string]any{"success": true, "uid": uid}, func(w io.Writer) { fmt.Fprintf(w, "deleted user %s\n", uid) })
}

func printUser(w io.Writer, u *parley.User) {
	fmt.Fprintf(w, "UID:\t%s\nName:\t%s\nRole:\t%s\nStatus:\t%s\nCreated:\t%s\n", u.UID, u.Name, u.Role, u.Status, when(u.CreatedAt))
	if u.LastActiveAt > 0 {
		fmt.Fprintf(w, "Last active:\t%s\n", when(u.LastActiveAt))
	}
}

// tokensCmd: parley tokens create UID.
func tokensCmd(ctx context.Context, e *cliEnv, args []string) error {
	_, args, err := sub(args, "create")
	if err != nil {
		return err
	}
	fs := e.flags("tokens create")
	var uid, device string
	fs.StringVar(&uid, "uid", "", "the user to log in")
	fs.StringVar(&device, "device", "", "the device the token is for")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if uid == "" {
		if uid, err = one(pos, "uid"); err != nil {
			return err
		}
	}
	s, err := e.server()
	if err != nil {
		return err
	}
	t, err := s.CreateAuthToken(ctx, uid, parley.Device{Platform: "cli", DeviceID: device})
	if err != nil {
		return err
	}
	return e.print(t, func(w io.Writer) { fmt.Fprintln(w, t.Token) })
}

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
