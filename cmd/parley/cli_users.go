package main

import (
	"context"
	"fmt"
	"io"

	"github.com/parleychat/parley"
)

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
