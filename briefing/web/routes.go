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
		author  = briefing.RoleAuthor
		manager = briefing.RoleManager
		admin   = briefing.RoleAdmin
	)
	r.NoRoute(func(c *gin.Context) { s.fail(c, briefing.NotFound("there is nothing at %s", c.Request.URL.Path)) })
	r.NoMethod(func(c *gin.Context) {
		s.fail(c, &briefing.Error{Kind: briefing.ErrNotFound, Message: c.Request.Method + " is not supported here"})
	})

	// Public: health, metrics, assets and the newsroom.
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/metrics", s.metrics.handler())
	r.StaticFS("/static", http.FS(static.FS))
	r.GET("/news", s.newsList)
	r.GET("/news/feed.atom", s.newsFeed)
	r.GET("/news/:slug", s.newsPage)

	api := r.Group("/api/v1", limitBody(MaxBody), s.authenticate)
	api.POST("/session", s.signInAPI)

	in := api.Group("", s.signedIn)
	in.DELETE("/session", s.signOutAPI)
	in.GET("/me", s.me)
	in.GET("/briefings", s.inboxAPI)
	in.GET("/briefings/:id", s.briefingAPI)
	in.POST("/briefings/:id/ack", s.ackAPI)
	in.POST("/briefings/:id/questions", s.askAPI)
	in.GET("/briefings/:id/questions", s.questionsAPI)
	in.POST("/questions/:id/answer", s.requireAny(author), s.answerAPI)

	staff := in.Group("", s.requireAny(author, manager, admin))
	staff.GET("/channels", s.listChannels)
	staff.GET("/announcements", s.listAnnouncements)
	staff.GET("/announcements/:id", s.getAnnouncement)
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
	authors.POST("/preview", s.previewAPI)

	admins := in.Group("", s.requireAny(admin))
	admins.POST("/users", s.createUser)
	admins.PATCH("/users/:id", s.patchUser)
	admins.POST("/users/:id/tokens", s.createToken)
	admins.POST("/channels", s.createChannel)
	admins.POST("/channels/:id/test", s.testChannel)
	admins.GET("/audit", s.auditLog)
	admins.GET("/backup", s.backup)
	// The import takes a whole directory in one request.
	r.POST("/api/v1/users/import", limitBody(MaxImportBody), s.authenticate, s.signedIn, s.requireAny(admin), s.importUsers)

	s.pageRoutes(r)
}
