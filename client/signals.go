package client

import (
	"context"

	"github.com/gobwas/ws"

	"github.com/parleychat/parley"
)

// Typing indicators and transient messages travel on the WebSocket only
// and are never stored. The server checks them like the matching REST call
// (a member of the group, no block between the users); a refusal comes
// back later as an error frame, heard by a connection listener's OnError,
// since frames carry no request id to answer.

// signalFrame is a client frame about a conversation.
type signalFrame struct {
	Type         string         `json:"type"`
	Receiver     string         `json:"receiver"`
	ReceiverType string         `json:"receiverType"`
	Body         map[string]any `json:"body"`
}

// StartTyping tells the conversation that the user started typing;
// metadata (may be nil) travels with it. Call EndTyping when they stop:
// receivers treat a start with no end as ended after about 5 seconds.
func (c *Client) StartTyping(ctx context.Context, to Receiver, metadata map[string]any) error {
	return c.typing(ctx, to, "started", metadata)
}

// EndTyping tells the conversation that the user stopped typing.
func (c *Client) EndTyping(ctx context.Context, to Receiver, metadata map[string]any) error {
	return c.typing(ctx, to, "ended", metadata)
}

func (c *Client) typing(ctx context.Context, to Receiver, action string, metadata map[string]any) error {
	body := map[string]any{"action": action}
	if metadata != nil {
		body["metadata"] = metadata
	}
	return c.sendFrame(ctx, signalFrame{Type: EventTyping, Receiver: to.ID, ReceiverType: to.Type, Body: body})
}

// SendTransient sends data (a JSON object of at most 4 KiB) to the
// conversation live, without storing it.
func (c *Client) SendTransient(ctx context.Context, to Receiver, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	return c.sendFrame(ctx, signalFrame{Type: EventTransient, Receiver: to.ID, ReceiverType: to.Type,
		Body: map[string]any{"data": data}})
}

// Ping sends a keepalive ping now. The SDK pings on its own every
// Settings.PingInterval; this is for apps that want to check the
// connection.
func (c *Client) Ping(ctx context.Context) error {
	return c.sendRaw(ctx, []byte(`{"action":"ping","ack":"true"}`))
}

// sendFrame writes a client frame on the connected socket.
func (c *Client) sendFrame(ctx context.Context, f signalFrame) error {
	if f.Receiver == "" {
		return errorf(parley.KindInvalid, parley.CodeEmptyReceiver, "a receiver is required")
	}
	return c.sendJSON(ctx, f)
}

func (c *Client) sendJSON(ctx context.Context, v any) error {
	sock, err := c.connected()
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := sock.writeJSON(v); err != nil {
		return connErr(err)
	}
	return nil
}

func (c *Client) sendRaw(ctx context.Context, b []byte) error {
	sock, err := c.connected()
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := sock.write(ws.NewTextFrame(b)); err != nil {
		return connErr(err)
	}
	return nil
}

// connected returns the socket when the connection is up.
func (c *Client) connected() (*socket, error) {
	k := c.rt
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.state != StateConnected || k.sock == nil {
		return nil, errorf(parley.KindUnavailable, CodeNotConnected, "the WebSocket is not connected")
	}
	return k.sock, nil
}
