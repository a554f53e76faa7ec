package notify

import (
	"strconv"
	"strings"
)

// Events: the value of a notification's event column and the key of its
// template in the configuration (SUNSHINE_WECHAT_TEMPLATE_<EVENT>).
const (
	// To the enterprise.
	EventAccepted     = "accepted"      // the clerk accepted the application
	EventNeedsInfo    = "needs_info"    // materials must be supplemented
	EventRejected     = "rejected"      // 不予受理
	EventAssigned     = "assigned"      // a specialist was named (assign, reassign)
	EventStageChanged = "stage_changed" // the enterprise-facing stage moved
	EventDelivered    = "delivered"     // 办结送达通知 (delivering by mail, delivered in person)
	EventRatingInvite = "rating_invite" // 事后评价 invitation after delivery or termination
	// EventDeadlineChanged: extension, suspension or resumption, with the
	// reason and the new deadline.
	EventDeadlineChanged = "deadline_changed"
	EventTerminated      = "terminated" // 终止/其他 signed off, with the reason

	// To the enterprise user, about their membership (members.Notice*).
	EventClaimApproved = "claim_approved" // a clerk verified the claimant
	EventClaimRefused  = "claim_refused"  // a clerk refused the claim, with a reason
	EventMemberRevoked = "member_revoked" // staff took the user out of the enterprise

	// To staff (push reminders).
	EventNewCase      = "new_case"     // a case was assigned to the specialist
	EventSupplemented = "supplemented" // the enterprise supplemented materials
	EventUrged        = "urged"        // the enterprise urged the case (催办)
	EventDeadline3    = "deadline3"    // 3 working days to the deadline
	EventDeadline1    = "deadline1"    // 1 working day to the deadline
	EventOverdue      = "overdue"      // past the deadline (each working day)
	EventLowRating    = "low_rating"   // score ≤ 2: the head follows up
	EventMatterDue    = "matter_due"   // a department matter is due (liaisons)
	// EventWithdrawn: the enterprise withdrew an assigned case (specialist, head).
	EventWithdrawn  = "withdrawn"
	EventReassigned = "reassigned" // the case moved to another specialist (the previous one)
	// EventDeliveryUnconfirmed: a mailed delivery unconfirmed after the
	// configured working days (specialist).
	EventDeliveryUnconfirmed = "delivery_unconfirmed"

	// To the hotline system.
	EventHotlineClosed = "hotline_closed" // result callback of a closed hotline case
)

// Channels a notification may go through, in a row's plan and its result.
const (
	ChannelSubscribe = "subscribe" // mini-program subscribe message (one credit)
	ChannelTemplate  = "template"  // official-account template message
	ChannelWork      = "work"      // Work WeChat app message
	ChannelHotline   = "hotline"   // signed HTTP callback
	ChannelInbox     = "inbox"     // no push channel could take it: inbox only
)

// Recipient kinds (the part before ':' of a recipient).
const (
	KindMember  = "member"
	KindStaff   = "staff"
	KindHotline = "hotline"
)

// MemberRecipient is the recipient of an enterprise user: "member:12".
func MemberRecipient(id int64) string { return KindMember + ":" + strconv.FormatInt(id, 10) }

// StaffRecipient is the recipient of a staff user: "staff:3".
func StaffRecipient(id int64) string { return KindStaff + ":" + strconv.FormatInt(id, 10) }

// HotlineRecipient is the recipient of a hotline order's callback.
func HotlineRecipient(orderNo string) string { return KindHotline + ":" + orderNo }

// ParseRecipient splits "kind:ref"; id is set for members and staff.
func ParseRecipient(r string) (kind, ref string, id int64) {
	kind, ref, _ = strings.Cut(r, ":")
	if kind == KindMember || kind == KindStaff {
		id, _ = strconv.ParseInt(ref, 10, 64)
	}
	return kind, ref, id
}

// planFor is the channel plan of a recipient kind, in order. The inbox is
// not in it: the inbox entry is written with the row.
func planFor(kind string) []string {
	switch kind {
	case KindMember:
		return []string{ChannelSubscribe, ChannelTemplate}
	case KindStaff:
		return []string{ChannelWork}
	case KindHotline:
		return []string{ChannelHotline}
	}
	return nil
}
