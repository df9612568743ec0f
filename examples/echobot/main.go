// Command echobot is a Parley bot in a few lines of the Go SDK: it logs in
// as a bot user and answers every text message it receives, one-to-one or
// in a group, until interrupted.
//
//	go run ./examples/echobot -app $APP -key $AUTH
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/client"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "the Parley server")
	app := flag.String("app", os.Getenv("PARLEY_APP_ID"), "App ID ($PARLEY_APP_ID)")
	key := flag.String("key", os.Getenv("PARLEY_API_KEY"), "Auth Key or REST API Key ($PARLEY_API_KEY)")
	uid := flag.String("uid", "echobot", "the bot's uid (created if missing)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	c, err := client.New(client.Settings{BaseURL: *url, AppID: *app, DeviceID: "echobot"})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// The bot's user: create it once; "already exists" is fine.
	_, err = c.CreateUser(ctx, *key, parley.NewUser{UID: *uid, Name: "Echo Bot"})
	if err != nil && parley.CodeOf(err) != parley.CodeUIDExists {
		log.Fatal(err)
	}
	// Listen before logging in: in auto mode Login connects at once.
	c.OnMessage(client.MessageListener{OnText: func(m *parley.Message) {
		if me := c.LoggedInUser(); me == nil || m.Sender == me.UID {
			return // the bot's own answers come back to it too
		}
		if _, err := c.SendText(ctx, c.Peer(m), m.Sender+" said: "+m.Data.Text); err != nil {
			log.Printf("answer %d: %v", m.ID, err)
		}
	}})
	c.OnConnection(client.ConnectionListener{
		OnConnected:    func() { log.Print("connected; waiting for messages") },
		OnDisconnected: func(err error) { log.Printf("disconnected: %v", err) },
	})
	if _, err := c.LoginWithAuthKey(ctx, *uid, *key); err != nil {
		log.Fatal(err)
	}
	<-ctx.Done()
	c.Logout(context.Background()) // the token made for this run goes with it
}
