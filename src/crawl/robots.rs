//! robots.txt, through the `texting_robots` crate.

use texting_robots::Robot;

/// The site's robots.txt rules for our user agent.
#[derive(Debug, Default)]
pub struct RobotsPolicy {
    robot: Option<Robot>,
}

impl RobotsPolicy {
    /// Allows everything (no robots.txt, or one that answered 4xx).
    #[must_use]
    pub fn allow_all() -> Self {
        Self { robot: None }
    }

    /// Parses a robots.txt body; garbage that cannot be parsed allows all, as
    /// crawlers conventionally do, and is logged.
    #[must_use]
    pub fn parse(user_agent: &str, body: &[u8]) -> Self {
        match Robot::new(user_agent, body) {
            Ok(robot) => Self { robot: Some(robot) },
            Err(e) => {
                tracing::warn!("robots.txt could not be parsed ({e}); treating it as allow-all");
                Self::allow_all()
            }
        }
    }

    /// Whether the URL may be fetched.
    #[must_use]
    pub fn allows(&self, url: &str) -> bool {
        self.robot.as_ref().is_none_or(|r| r.allowed(url))
    }

    /// Sitemaps named in robots.txt.
    #[must_use]
    pub fn sitemaps(&self) -> Vec<String> {
        self.robot
            .as_ref()
            .map(|r| r.sitemaps.clone())
            .unwrap_or_default()
    }

    /// Crawl-delay in seconds, if set.
    #[must_use]
    pub fn crawl_delay(&self) -> Option<f32> {
        self.robot.as_ref().and_then(|r| r.delay)
    }
}
