package parley

// Wire error codes. They are CometChat's (its REST API v3 error guide) for
// every case that guide names, and Parley's own for the rest; each is
// documented in docs/api.md with the status it comes with.
const (
	CodeInternal        = "ERR_MISSION_FAILED"    // a fault on the server ("fatal error")
	CodeBadRequest      = "ERR_BAD_REQUEST"       // malformed JSON, wrong field types
	CodeTooLarge        = "ERR_REQUEST_TOO_LARGE" // body over the limit
	CodeInvalidParam    = "ERR_BAD_REQUEST"       // a field breaks its rule ("failed validations"); the message names it
	CodeRouteNotFound   = "ERR_API_NOT_FOUND"     // no such endpoint
	CodeMethodNotAllowd = "ERR_API_NOT_FOUND"     // the endpoint does not take the method
	CodeRateLimited     = "ERR_TOO_MANY_REQUESTS"
	CodeRequestTimeout  = "ERR_REQUEST_TIMEOUT"     // a request body that stopped arriving (408)
	CodeUnavailable     = "ERR_SERVICE_UNAVAILABLE" // shutting down: retry, on another node if there is one
	CodeStoreDown       = "ERR_STORE_UNAVAILABLE"   // /readyz: the store does not answer

	// Authentication and access.
	CodeEmptyAppID        = "AUTH_ERR_EMPTY_APPID"
	CodeAppIDNotFound     = "AUTH_ERR_INVALID_APPID"
	CodeNoCredentials     = "AUTH_ERR_EMPTY_APIKEY"
	CodeAPIKeyNotFound    = "AUTH_ERR_APIKEY_NOT_FOUND"
	CodeAuthTokenNotFound = "AUTH_ERR_AUTH_TOKEN_NOT_FOUND"
	CodeOperatorToken     = "AUTH_ERR_OPERATOR_TOKEN_INVALID"
	CodeNoAccess          = "AUTH_ERR_NO_ACCESS"
	CodeUserDeactivated   = "AUTH_ERR_USER_DEACTIVATED"
	CodeOnBehalfOfUnknown = "AUTH_ERR_ON_BEHALF_OF_UID_NOT_FOUND"
	// CodePermissionDenied refuses a user a feature their role restricts
	// (POST /v3/roles/{role}/restrictedfeatures).
	CodePermissionDenied = "ERR_PERMISSION_DENIED"

	// Apps and keys.
	CodeAppNotFound      = "ERR_APP_NOT_FOUND"
	CodeAPIKeyIDNotFound = "ERR_APIKEY_NOT_FOUND"
	CodeAPIKeySelf       = "ERR_APIKEY_NO_SELF_ACTION"
	CodeAPIKeyLimit      = "ERR_APIKEY_LIMIT_EXCEEDED"

	// Users, tokens, roles, relations.
	CodeUIDExists          = "ERR_UID_ALREADY_EXISTS"
	CodeUIDNotFound        = "ERR_UID_NOT_FOUND"
	CodeInvalidUID         = "ERR_INVALID_UID"
	CodeEmptyName          = "ERR_EMPTY_NAME"
	CodeInvalidMetadata    = "ERR_INVALID_METADATA"
	CodeInvalidTags        = "ERR_INVALID_TAGS"
	CodeTokenNotFound      = "ERR_AUTH_TOKEN_NOT_FOUND"
	CodeRoleNotFound       = "ERR_ROLE_NOT_FOUND"
	CodeRoleExists         = "ERR_ROLE_ALREADY_EXISTS"
	CodeRoleInUse          = "ERR_ROLE_IN_USE"
	CodeDefaultRole        = "ERR_ROLE_DELETE_DENIED"
	CodeAlreadyFriend      = "ERR_ALREADY_FRIEND"
	CodeNotFriend          = "ERR_NOT_A_FRIEND"
	CodeSelfRelation       = "ERR_CANNOT_FORM_SELF_RELATION" // befriending oneself
	CodeBlockSelf          = "ERR_CANNOT_BLOCK_SELF"
	CodeAlreadyBlocked     = "ERR_ALREADY_BLOCKED"
	CodeNotBlocked         = "ERR_NOT_BLOCKED"
	CodeTooManyUIDs        = "ERR_TOO_MANY_UIDS"
	CodeUserAlreadyActive  = "ERR_USER_ALREADY_ACTIVE"
	CodeUserNotDeactivated = "ERR_USER_NOT_DEACTIVATED"

	// Groups and members.
	CodeGUIDNotFound          = "ERR_GUID_NOT_FOUND"
	CodeGUIDExists            = "ERR_GUID_ALREADY_EXISTS"
	CodeInvalidGUID           = "ERR_INVALID_GUID"
	CodeInvalidGroupType      = "ERR_INVALID_GROUP_TYPE"
	CodeEmptyGroupPass        = "ERR_EMPTY_GROUP_PASS"
	CodeWrongGroupPass        = "ERR_WRONG_GROUP_PASS"
	CodeGroupJoinNotAllowed   = "ERR_GROUP_JOIN_NOT_ALLOWED"
	CodeAlreadyJoined         = "ERR_ALREADY_JOINED"
	CodeGroupNotJoined        = "ERR_GROUP_NOT_JOINED"
	CodeNotAMember            = "ERR_NOT_A_MEMBER"
	CodeBannedMember          = "ERR_BANNED_GROUPMEMBER"
	CodeAlreadyBanned         = "ERR_ALREADY_BANNED"
	CodeNotBanned             = "ERR_NOT_A_BANNED_USER"
	CodeSameScope             = "ERR_SAME_SCOPE"
	CodeInvalidScope          = "ERR_INVALID_SCOPE"
	CodeGroupNoClearance      = "ERR_GROUP_NO_CLEARANCE"
	CodeGroupNoAdmin          = "ERR_GROUP_NO_ADMIN_SCOPE"
	CodeGroupNoModerator      = "ERR_GROUP_NO_MODERATOR_SCOPE"
	CodeGroupNoScopeClear     = "ERR_GROUP_NO_SCOPE_CLEARANCE"
	CodeGroupNoSelfAction     = "ERR_GROUP_NO_SELF_ACTION"
	CodeGroupOwnerCannotLeave = "ERR_GROUP_OWNER_CANNOT_LEAVE"

	// Messages.
	CodeEmptyReceiver        = "ERR_EMPTY_RECEIVER"
	CodeInvalidReceiverType  = "ERR_INVALID_RECEIVER_TYPE"
	CodeMessageNotFound      = "ERR_MESSAGE_ID_NOT_FOUND"
	CodeEmptyMessageText     = "ERR_EMPTY_MESSAGE_TEXT"
	CodeInvalidMessageText   = "ERR_INVALID_MESSAGE_TEXT" // data.text that is not a string
	CodeInvalidCategory      = "ERR_INVALID_MESSAGE_CATEGORY"
	CodeInvalidMessageType   = "ERR_INVALID_MESSAGE_TYPE"
	CodeEmptyMessageType     = "ERR_EMPTY_MESSAGE_TYPE"
	CodeInvalidCustomData    = "ERR_INVALID_CUSTOM_DATA"
	CodeEmptyCustomData      = "ERR_EMPTY_CUSTOM_DATA"
	CodeInvalidInteractive   = "ERR_INVALID_INTERACTIVE_DATA"
	CodeMessageTooLarge      = "ERR_MESSAGE_TOO_LARGE"
	CodeInvalidAttachment    = "ERR_INVALID_MEDIA_MESSAGE" // attachments or files that don't fit the message
	CodeEmptyMessageFile     = "ERR_EMPTY_MESSAGE_FILE"    // a media message with no file
	CodeNotASender           = "ERR_MESSAGE_NOT_A_SENDER"
	CodeMessageNoAccess      = "ERR_MESSAGE_NO_ACCESS"
	CodeWrongThread          = "ERR_WRONG_MESSAGE_THREAD"
	CodeThreadNesting        = "ERR_MESSAGE_THREAD_NESTING"
	CodeBlockedReceiver      = "ERR_BLOCKED_RECEIVER"
	CodeBlockedSender        = "ERR_BLOCKED_SENDER"
	CodeActionNotAllowed     = "ERR_MESSAGE_ACTION_NOT_ALLOWED"
	CodeInvalidReaction      = "ERR_INVALID_REACTION"
	CodeAlreadyReacted       = "ERR_ALREADY_REACTED"
	CodeReactionNotFound     = "ERR_REACTION_NOT_FOUND"
	CodeInvalidInteraction   = "ERR_INVALID_INTERACTION"
	CodeConversationNoAccess = "ERR_CONVERSATION_NOT_ACCESSIBLE" // not the user's, or no message yet
	CodeMediaNotFound        = "ERR_MEDIA_NOT_FOUND"
	CodeTooManyFiles         = "ERR_TOO_MANY_FILES"

	// Calls: CometChat's (its Calls API error guide), but
	// CodeCallNotAllowed, Parley's own.
	CodeCallingSelf        = "ERR_CALLING_SELF"
	CodeCallBusySelf       = "ERR_CALL_BUSY_SELF"  // the caller is in another active call
	CodeCallBusyUser       = "ERR_CALL_BUSY_USER"  // the callee is
	CodeCallBusyGroup      = "ERR_CALL_BUSY_GROUP" // the group has an active call
	CodeEmptyCallSession   = "ERR_EMPTY_CALL_SESSION_ID"
	CodeCallNotFound       = "ERR_CALL_SESSION_NOT_FOUND"
	CodeCallTerminated     = "ERR_CALL_TERMINATED" // the call has a final status
	CodeCallInvalidInit    = "ERR_CALL_INVALID_INIT"
	CodeCallUserJoined     = "ERR_CALL_USER_ALREADY_JOINED"
	CodeCallGroupJoined    = "ERR_CALL_GROUP_ALREADY_JOINED"
	CodeCallGroupStatus    = "ERR_CALL_GROUP_INVALID_STATUS" // rejected or busy for a group call
	CodeCallOngoingInvalid = "ERR_CALL_ONGOING_TO_INVALID"
	CodeCallNotStarted     = "ERR_CALL_NOT_STARTED" // ended before it was ongoing
	CodeCallNotAPart       = "ERR_CALL_NOT_A_PART"
	// CodeCallNotAllowed refuses a party a status that is the other
	// side's to set: the caller accepting, the callee cancelling.
	CodeCallNotAllowed = "ERR_CALL_STATUS_NOT_ALLOWED"
	// Push notifications.
	CodePushTokenNotFound   = "ERR_PUSH_TOKEN_NOT_FOUND"
	CodeInvalidPushPlatform = "ERR_INVALID_PUSH_PLATFORM"
	CodeEmptyPushToken      = "ERR_EMPTY_PUSH_TOKEN"
	CodePushTokenLimit      = "ERR_PUSH_TOKEN_LIMIT_EXCEEDED"
	// CodePushNeedsAuthToken refuses push token calls that carry no auth
	// token: a push token belongs to a device's login.
	CodePushNeedsAuthToken = "ERR_AUTH_TOKEN_REQUIRED"
	// Webhooks (docs/webhooks.md).
	CodeWebhookNotFound      = "ERR_WEBHOOK_NOT_FOUND"
	CodeWebhookExists        = "ERR_WEBHOOK_ALREADY_EXISTS"
	CodeWebhookLimit         = "ERR_WEBHOOK_LIMIT_EXCEEDED"
	CodeInvalidWebhookURL    = "ERR_INVALID_WEBHOOK_URL"
	CodeInvalidTrigger       = "ERR_INVALID_TRIGGER"
	CodeModerationHookExists = "ERR_MODERATION_HOOK_EXISTS" // a second webhook with before_message
	CodeDeliveryNotFound     = "ERR_WEBHOOK_DELIVERY_NOT_FOUND"
	// CodeMessageRejected answers a send the app's before_message hook
	// rejected (403); the hook may name a code of its own instead.
	CodeMessageRejected = "ERR_MESSAGE_REJECTED"
	// CodeModerationUnavailable answers a send whose before_message hook
	// failed or timed out when the app fails closed (503: retry later).
	CodeModerationUnavailable = "ERR_MODERATION_UNAVAILABLE"
)
