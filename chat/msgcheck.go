package chat

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/parleychat/parley"
)

// Message limits.
const (
	MaxMessageBytes = 64 * 1024 // the JSON of a message's data
	maxTypeLen      = 100
	maxMUIDLen      = 100
	maxAttachments  = 10
	maxReactionLen  = 64
)

// mediaTypes are the types of category message that carry files.
var mediaTypes = map[string]bool{parley.TypeImage: true, parley.TypeVideo: true, parley.TypeAudio: true, parley.TypeFile: true}

var goals = map[string]bool{"anyAction": true, "anyOf": true, "allOf": true, "none": true}

func msgErr(kind parley.Kind, code, format string, args ...any) *parley.Error {
	return parley.Errorf(kind, code, format, args...)
}

// checkNewMessage checks what a sender gives, before any receiver is
// looked at, and fills defaults (category message, type text).
func checkNewMessage(in *parley.NewMessage) error {
	if in.Category == "" {
		in.Category = parley.CategoryMessage
	}
	if in.Category == parley.CategoryMessage && in.Type == "" {
		in.Type = parley.TypeText
	}
	if in.MultipleReceivers == nil {
		if err := checkReceiver(in.Receiver, in.ReceiverType); err != nil {
			return err
		}
	}
	if len(in.MUID) > maxMUIDLen {
		return invalid("muid is longer than %d characters", maxMUIDLen)
	}
	if err := checkCategory(in); err != nil {
		return err
	}
	if err := checkMetadata(in.Data.Metadata); err != nil {
		return err
	}
	tags, err := checkTags(in.Tags)
	if err != nil {
		return err
	}
	in.Tags = tags
	if b, err := json.Marshal(in.Data); err != nil || len(b) >= MaxMessageBytes {
		return msgErr(parley.KindTooLarge, parley.CodeMessageTooLarge, "a message's data must be under %d bytes", MaxMessageBytes)
	}
	return nil
}

func checkReceiver(receiver, receiverType string) error {
	if strings.TrimSpace(receiver) == "" {
		return msgErr(parley.KindInvalid, parley.CodeEmptyReceiver, "receiver is required")
	}
	if receiverType != parley.ReceiverUser && receiverType != parley.ReceiverGroup {
		return msgErr(parley.KindInvalid, parley.CodeInvalidReceiverType, "receiverType must be user or group")
	}
	return nil
}

func checkCategory(in *parley.NewMessage) error {
	d := &in.Data
	switch in.Category {
	case parley.CategoryMessage:
		switch {
		case in.Type == parley.TypeText:
			if strings.TrimSpace(d.Text) == "" {
				return msgErr(parley.KindInvalid, parley.CodeEmptyMessageText, "a text message needs text")
			}
			if len(d.Attachments) > 0 {
				return msgErr(parley.KindInvalid, parley.CodeInvalidAttachment, "a text message carries no attachments")
			}
		case mediaTypes[in.Type]:
			return checkAttachments(d.Attachments)
		default:
			return msgErr(parley.KindInvalid, parley.CodeInvalidMessageType,
				"type of a message is text, image, video, audio or file")
		}
	case parley.CategoryCustom:
		if err := checkCustomType(in.Type); err != nil {
			return err
		}
		if d.CustomData == nil {
			return msgErr(parley.KindInvalid, parley.CodeEmptyCustomData, "a custom message needs customData, an object")
		}
	case parley.CategoryInteractive:
		if err := checkCustomType(in.Type); err != nil {
			return err
		}
		return checkInteractive(d)
	default:
		return msgErr(parley.KindInvalid, parley.CodeInvalidCategory, "category must be message, custom or interactive")
	}
	return nil
}

func checkCustomType(t string) error {
	if strings.TrimSpace(t) == "" {
		return msgErr(parley.KindInvalid, parley.CodeEmptyMessageType, "type is required")
	}
	if len(t) > maxTypeLen {
		return msgErr(parley.KindInvalid, parley.CodeInvalidMessageType, "type must be 1-%d characters", maxTypeLen)
	}
	return nil
}

func checkInteractive(d *parley.MessageInput) error {
	if d.InteractiveData == nil {
		return msgErr(parley.KindInvalid, parley.CodeInvalidInteractive, "an interactive message needs interactiveData, an object")
	}
	if d.InteractionGoal == nil {
		d.InteractionGoal = &parley.InteractionGoal{Type: "none"}
	}
	g := d.InteractionGoal
	if !goals[g.Type] {
		return msgErr(parley.KindInvalid, parley.CodeInvalidInteractive, "interactionGoal.type is anyAction, anyOf, allOf or none")
	}
	if (g.Type == "anyOf" || g.Type == "allOf") && len(g.ElementIDs) == 0 {
		return msgErr(parley.KindInvalid, parley.CodeInvalidInteractive, "interactionGoal %s needs elementIds", g.Type)
	}
	return nil
}

// checkAttachments checks the attachments a client gives, as URLs it
// hosts: absolute http(s) URLs only. A reference to a file Parley stores
// (mediaScheme) is made by the upload path alone, after this check: taken
// from a client, it would get them a signed URL of any stored file, and
// its deletion with their message.
func checkAttachments(as []parley.Attachment) error {
	if len(as) > maxAttachments {
		return msgErr(parley.KindInvalid, parley.CodeTooManyFiles, "at most %d attachments", maxAttachments)
	}
	for _, a := range as {
		if u, err := url.Parse(a.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return msgErr(parley.KindInvalid, parley.CodeInvalidAttachment, "an attachment needs an http(s) url")
		}
		if len(a.URL) > parley.MaxURLLen || len(a.Name) > parley.MaxNameLen*2 || a.Size < 0 {
			return msgErr(parley.KindInvalid, parley.CodeInvalidAttachment, "an attachment's url or name is too long")
		}
	}
	return nil
}

// needsFiles reports whether a message of this type must carry a file.
func needsFiles(in *parley.NewMessage) bool {
	return in.Category == parley.CategoryMessage && mediaTypes[in.Type]
}

// checkReaction checks an emoji (or any short reaction string).
func checkReaction(r string) error {
	if strings.TrimSpace(r) == "" || len(r) > maxReactionLen || strings.ContainsAny(r, "/?#") {
		return msgErr(parley.KindInvalid, parley.CodeInvalidReaction, "a reaction is 1-%d bytes", maxReactionLen)
	}
	return nil
}
