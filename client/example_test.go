package client_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/client"
)

// exampleServer starts a Parley server in-process for the examples, with
// the default app's keys; stop removes it.
func exampleServer() (s *server, stop func()) {
	dir, err := os.MkdirTemp("", "parley-example-")
	if err != nil {
		log.Fatal(err)
	}
	s, err = startServer(dir)
	if err != nil {
		log.Fatal(err)
	}
	return s, func() { s.close(); os.RemoveAll(dir) }
}

// A bot logs in, listens for messages and answers them; a user talks to
// it.
func Example() {
	srv, stop := exampleServer()
	defer stop()
	ctx := context.Background()
	settings := client.Settings{BaseURL: srv.URL, AppID: srv.AppID}

	// The app's backend creates the users (here with the Auth Key).
	admin, _ := client.New(settings)
	for _, uid := range []string{"echobot", "alice"} {
		if _, err := admin.CreateUser(ctx, srv.AuthKey, parley.NewUser{UID: uid, Name: uid}); err != nil {
			log.Fatal(err)
		}
	}

	// The bot: log in (auto mode connects the WebSocket), answer each text.
	bot, _ := client.New(settings)
	defer bot.Close()
	me, err := bot.LoginWithAuthKey(ctx, "echobot", srv.AuthKey)
	if err != nil {
		log.Fatal(err)
	}
	bot.OnMessage(client.MessageListener{OnText: func(m *parley.Message) {
		if m.Sender == me.UID {
			return // its own answers come back too
		}
		if _, err := bot.SendText(ctx, bot.Peer(m), "you said: "+m.Data.Text); err != nil {
			log.Print(err)
		}
	}})

	// A user says hello and waits for the answer.
	alice, _ := client.New(settings)
	defer alice.Close()
	if _, err := alice.LoginWithAuthKey(ctx, "alice", srv.AuthKey); err != nil {
		log.Fatal(err)
	}
	answers := make(chan string, 1)
	alice.OnMessage(client.MessageListener{OnText: func(m *parley.Message) {
		if m.Sender == "echobot" {
			answers <- m.Data.Text
		}
	}})
	if _, err := alice.SendText(ctx, client.ToUser("echobot"), "hello"); err != nil {
		log.Fatal(err)
	}
	select {
	case a := <-answers:
		fmt.Println(a)
	case <-time.After(time.Minute):
		fmt.Println("no answer")
	}
	// Output: you said: hello
}

// Page through a conversation from the newest message back, as a chat
// screen loads history.
func ExampleMessagesRequest_FetchPrevious() {
	srv, stop := exampleServer()
	defer stop()
	ctx := context.Background()
	st := client.Settings{BaseURL: srv.URL, AppID: srv.AppID, ManualConnect: true}
	c, _ := client.New(st)
	for _, uid := range []string{"alice", "bob"} {
		c.CreateUser(ctx, srv.AuthKey, parley.NewUser{UID: uid, Name: uid})
	}
	if _, err := c.LoginWithAuthKey(ctx, "alice", srv.AuthKey); err != nil {
		log.Fatal(err)
	}
	for _, text := range []string{"one", "two", "three", "four", "five"} {
		c.SendText(ctx, client.ToUser("bob"), text)
	}

	history := c.Messages().WithUser("bob").Limit(2)
	for {
		page, err := history.FetchPrevious(ctx)
		if err != nil {
			log.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, m := range page {
			fmt.Print(m.Data.Text, " ")
		}
		fmt.Println("|")
	}
	// Output:
	// four five |
	// two three |
	// one |
}

// The calls of an app's backend take a key: create a user and an auth
// token for their device, which the device logs in with.
func ExampleClient_WithKey() {
	srv, stop := exampleServer()
	defer stop()
	ctx := context.Background()
	c, _ := client.New(client.Settings{BaseURL: srv.URL, AppID: srv.AppID})
	backend := c.WithKey(srv.RESTKey)
	if _, err := backend.CreateUser(ctx, parley.NewUser{UID: "carol", Name: "Carol"}); err != nil {
		log.Fatal(err)
	}
	tok, err := backend.CreateAuthToken(ctx, "carol", parley.Device{Platform: "ios", DeviceID: "carols-phone"})
	if err != nil {
		log.Fatal(err)
	}
	me, err := c.Login(ctx, tok.Token)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	fmt.Println(me.UID, me.Name)

	_, err = backend.User(ctx, "nobody")
	fmt.Println(parley.CodeOf(err))
	// Output:
	// carol Carol
	// ERR_UID_NOT_FOUND
}

// In manual mode the app opens and closes the WebSocket itself, e.g. when
// it goes to the foreground and the background.
func ExampleClient_Connect() {
	c, err := client.New(client.Settings{BaseURL: "http://127.0.0.1:8080", AppID: "your-app-id", ManualConnect: true})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Login(ctx, os.Getenv("PARLEY_TOKEN")); err != nil {
		log.Fatal(err)
	}
	c.OnConnection(client.ConnectionListener{
		OnConnected:    func() { log.Print("connected") },
		OnDisconnected: func(err error) { log.Print("disconnected: ", err) },
	})
	if err := c.Connect(ctx); err != nil { // foreground
		log.Print(err)
	}
	c.Disconnect() // background: the user goes offline
}
