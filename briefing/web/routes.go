package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/static"
)

// routes is the map of the application, grouped by who may call what.
func (s *Server) routes(r *gin.Engine) {
	const (
		author   = briefing.RoleAuthor
		manager  = briefing.RoleManager
		admin    = briefing.RoleAdmin
		reviewer = briefing.RoleReviewer
	)
	r.NoRoute(func(c *gin.Context) { s.fail(c, briefing.NotFound("there is nothing at %s", c.Request.URL.Path)) })
	r.NoMethod(func(c *gin.Context) {
		s.fail(c, &briefing.Error{Kind: briefing.ErrNotFound, Message: c.Request.Method + " is not supported here"})
	})

	// Public: health, assets and the newsroom.
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.StaticFS("/static", http.FS(static.FS))
	r.GET("/news", s.newsList)
	r.GET("/news/feed.atom", s.newsFeed)
	r.GET("/news/:slug", s.newsPage)

	// Metrics: the allowed networks (loopback by default), or an admin's token.
	r.GET("/metrics", s.authenticate, s.metricsAccess, s.metrics.handler())

	api := r.Group("/api/v1", s.limitBody(MaxBody), s.authenticate)
	api.POST("/session", s.signInAPI)
	api.POST("/password-reset", s.passwordResetAPI)

	in := api.Group("", s.signedIn)
	in.DELETE("/session", s.signOutAPI)
	in.GET("/me", s.me)
	in.PATCH("/me", s.patchMe)
	in.GET("/settings", s.settingsAPI)
	in.GET("/me/export", s.exportAPI)
	in.GET("/briefings", s.inboxAPI)
	in.GET("/briefings/:id", s.briefingAPI)
	in.POST("/briefings/:id/ack", s.ackAPI)
	in.POST("/briefings/:id/questions", s.askAPI)
	in.GET("/briefings/:id/questions", s.questionsAPI)
	in.POST("/questions/:id/answer", s.requireAny(author), s.answerAPI)
	// An assignee of a manual channel confirms whatever their roles
	// (briefing.MayConfirm); anyone else gets 404.
	in.POST("/announcements/:id/deliveries/:delivery/confirm", s.confirmDelivery)

	// Reviewers read the item they decide on, without author rights.
	in.GET("/announcements/:id", s.requireAny(author, manager, reviewer), s.getAnnouncement)

	staff := in.Group("", s.requireAny(author, manager, admin))
	staff.GET("/channels", s.listChannels)
	staff.GET("/message-types", s.listMessageTypes)
	staff.GET("/announcements", s.listAnnouncements)
	staff.GET("/announcements/:id/readiness", s.readiness)
	staff.GET("/announcements/:id/receipts", s.requireAny(author, manager), s.receipts)
	staff.GET("/announcements/:id/deliveries", s.deliveries)
	staff.POST("/announcements/:id/deliveries/:delivery/retry", s.retryDelivery)
	staff.POST("/announcements/:id/withdraw", s.withdraw)
	staff.POST("/announcements/:id/remind", s.requireAny(author, manager), s.remind)
	staff.POST("/announcements/:id/release", s.requireAny(manager), s.release)
	staff.GET("/users", s.requireAny(manager), s.listUsers)

	authors := in.Group("", s.requireAny(author))
	authors.POST("/announcements", s.createAnnouncement)
	authors.PATCH("/announcements/:id", s.patchAnnouncement)
	authors.POST("/announcements/:id/publish", s.publish)
	authors.POST("/announcements/:id/submit", s.submitAPI)
	authors.POST("/announcements/:id/revisions", s.reviseAPI)
	authors.POST("/preview", s.previewAPI)
	authors.POST("/channels/:id/check", s.checkChannel)
	authors.POST("/channels/:id/preview", s.postPreviewAPI)

	reviewers := in.Group("", s.requireAny(reviewer))
	reviewers.POST("/announcements/:id/approve", s.approveAPI)
	reviewers.POST("/announcements/:id/reject", s.rejectAPI)

	admins := in.Group("", s.requireAny(admin))
	admins.POST("/users", s.createUser)
	admins.PATCH("/users/:id", s.patchUser)
	admins.POST("/users/:id/tokens", s.createToken)
	admins.DELETE("/users/:id/tokens", s.revokeTokens)
	admins.POST("/users/:id/invite", s.inviteAPI)
	admins.POST("/channels", s.createChannel)
	admins.POST("/message-types", s.createMessageType)
	admins.PATCH("/message-types/:id", s.patchMessageType)
	admins.POST("/channels/:id/test", s.testChannel)
	admins.GET("/audit", s.auditLog)
	admins.GET("/backup", s.backup)
	admins.PATCH("/settings", s.patchSettingsAPI)
	// The import takes a whole directory in one request.
	r.POST("/api/v1/users/import", s.limitBody(MaxImportBody), s.authenticate, s.signedIn, s.requireAny(admin), s.importUsers)

	// SCIM 2.0 provisioning by the company's identity provider: an admin's
	// API token, answers in application/scim+json (scim.go).
	r.Any("/scim/v2/*rest", s.limitBody(MaxBody), s.scimAuth, gin.WrapH(s.scim))

	// Pages for people. Forms post to the same origin and work without
	// JavaScript; the cross-origin guard protects them. Every route checks
	// roles on the server; the navigation only hides what a person cannot use.
	pg := r.Group("", s.limitBody(MaxBody), s.authenticate)
	// Anyone: the sign-in form, and the round trip through the company's
	// identity provider (oidc.go).
	pg.GET("/", s.home)
	pg.POST("/signin", s.signInForm)
	pg.GET("/signin/oidc", s.oidcStart)
	pg.GET("/signin/oidc/callback", s.oidcCallback)
	pg.GET("/reset", s.forgotPage)
	pg.POST("/reset", s.forgotForm)
	pg.GET("/reset/:token", s.passwordLinkPage(briefing.LinkReset))
	pg.POST("/reset/:token", s.passwordLinkForm(briefing.LinkReset))
	pg.GET("/b/:token", s.briefingLinkPage)
	pg.POST("/b/:token", s.briefingLinkForm)
	pg.GET("/welcome/:token", s.passwordLinkPage(briefing.LinkWelcome))
	pg.POST("/welcome/:token", s.passwordLinkForm(briefing.LinkWelcome))

	pin := pg.Group("", s.signedIn)
	pin.POST("/signout", s.signOutForm)
	pin.GET("/settings", s.yourSettingsPage)
	pin.POST("/settings", s.saveYourSettingsForm)
	pin.GET("/briefings/:id", s.briefingPage)
	pin.POST("/briefings/:id/ack", s.ackForm)
	pin.POST("/briefings/:id/questions", s.askForm)
	pin.GET("/tasks/:delivery", s.taskPage)
	pin.POST("/tasks/:delivery/confirm", s.confirmTaskForm)

	pstaff := pin.Group("", s.requireAny(author, manager))
	pstaff.GET("/announcements", s.announcementsPage)
	pstaff.GET("/announcements/:id", s.dashboardPage)
	pstaff.GET("/announcements/:id/receipts.csv", s.receiptsCSVPage)
	pstaff.POST("/announcements/:id/remind", s.remindForm)
	pstaff.POST("/announcements/:id/deliveries/:delivery/retry", s.retryForm)
	pstaff.POST("/announcements/:id/deliveries/:delivery/confirm", s.confirmForm)
	pstaff.POST("/announcements/:id/check", s.checkAnnouncementForm)
	pstaff.POST("/announcements/:id/withdraw", s.withdrawForm)
	pstaff.POST("/announcements/:id/release", s.requireAny(manager), s.releaseForm)

	pauthors := pin.Group("", s.requireAny(author))
	pauthors.GET("/announcements/new", s.editorNew)
	pauthors.POST("/announcements/new", s.editorSubmit)
	pauthors.GET("/announcements/:id/edit", s.editorEdit)
	pauthors.POST("/announcements/:id/edit", s.editorSubmit)
	pauthors.GET("/announcements/:id/publish", s.publishConfirm)
	pauthors.POST("/announcements/:id/publish", s.publishForm)
	pauthors.POST("/announcements/:id/submit", s.submitForm)
	pauthors.POST("/announcements/:id/revisions", s.reviseFormPost)
	pauthors.POST("/announcements/:id/questions/:question/answer", s.answerForm)

	previewers := pin.Group("", s.requireAny(reviewer))
	previewers.GET("/reviews", s.reviewsPage)
	previewers.GET("/reviews/:id", s.reviewPage)
	previewers.POST("/announcements/:id/approve", s.approveForm)
	previewers.POST("/announcements/:id/reject", s.rejectForm)

	padmin := pin.Group("/admin", s.requireAny(admin))
	padmin.GET("", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/admin/users") })
	padmin.GET("/users", s.usersAdminPage)
	padmin.POST("/users", s.addUserForm)
	padmin.POST("/users/import", s.importForm)
	padmin.POST("/users/invite", s.inviteAllForm)
	padmin.GET("/users/:id", s.userPage)
	padmin.POST("/users/:id", s.saveUserForm)
	padmin.POST("/users/:id/active", s.activeForm)
	padmin.POST("/users/:id/token", s.tokenForm)
	padmin.POST("/users/:id/invite", s.inviteForm)
	padmin.GET("/channels", s.channelsPage)
	padmin.POST("/channels", s.addChannelForm)
	padmin.POST("/channels/:id/test", s.testChannelForm)
	padmin.POST("/channels/:id/check", s.checkChannelForm)
	padmin.POST("/channels/:id/disabled", s.channelDisabledForm)
	padmin.GET("/channels/:id/connect", s.connectStart)
	padmin.GET("/channels/oauth/callback", s.connectCallback)
	padmin.GET("/audit", s.auditAdminPage)
	padmin.GET("/settings", s.settingsAdminPage)
	padmin.POST("/settings", s.saveSettingsForm)
	padmin.GET("/message-types", s.typesPage)
	padmin.POST("/message-types", s.saveTypeForm)
}
