//! The demo newsroom as plain data.
//!
//! A fresh install with an empty database shows nothing, which makes it hard to
//! try a frontend, an API client or the editor. This module describes a small,
//! entirely fictional publication, "Atlas News" in the coastal city of Port
//! Averly: two members of staff, a handful of tags and a few published stories
//! with reader replies. The flagship story exercises every part of the content
//! model a news page uses: a lede without heading, headings with leading emoji
//! (some of them multi-codepoint), pull quotes with speaker and context, an
//! "At stake:" list and a threaded reply section.
//!
//! Everything here is built from the domain's `*Input` types and carries no
//! identifiers: bylines and tags are given by slug and resolved by the loader
//! once the store has assigned ids. All people, places and organisations are
//! invented.

use masthead_domain::{
    ArticleInput, BlockContentInput, BlockInput, ImageBlockInput, MediaId, ReplyPolicy, Role,
    SectionInput, TagInput,
};

/// A member of staff in the demo newsroom.
#[derive(Debug, Clone)]
pub struct DemoAuthor {
    /// Sign-in address.
    pub email: &'static str,
    /// Byline name.
    pub display_name: &'static str,
    /// URL name for the author page; articles refer to authors by it.
    pub slug: &'static str,
    /// Short biography for the author page.
    pub bio: &'static str,
    /// What the account may do.
    pub role: Role,
}

/// A reader reply; `parent` is the index of another reply of the same article
/// in the list, for a nested reply.
#[derive(Debug, Clone)]
pub struct DemoReply {
    /// Name shown with the reply.
    pub author_name: &'static str,
    /// Reader's address (never shown publicly).
    pub author_email: &'static str,
    /// Plain-text body.
    pub body: &'static str,
    /// Index of the reply this one answers, always an earlier one in the list.
    pub parent: Option<usize>,
    /// When it was posted, in minutes after the article was published.
    pub minutes_after_publication: i64,
}

/// An article with its byline and tags by slug (ids are assigned by the store).
#[derive(Debug, Clone)]
pub struct DemoArticle {
    /// Byline, in order, as author slugs.
    pub author_slugs: Vec<&'static str>,
    /// Tags as slugs, primary tag first.
    pub tag_slugs: Vec<&'static str>,
    /// The content; `authors` and `tags` are left empty for the loader to fill.
    pub input: ArticleInput,
    /// Published this many hours before now.
    pub hours_ago: i64,
    /// Reader replies, in posting order.
    pub replies: Vec<DemoReply>,
}

/// The two members of staff: an editor and a reporter.
pub fn authors() -> Vec<DemoAuthor> {
    vec![
        DemoAuthor {
            email: "mira.castellane@atlas.example",
            display_name: "Mira Castellane",
            slug: "mira-castellane",
            bio: "City editor at Atlas News. Covers Port Averly’s council, courts and harbour, \
                  and edits the morning briefing.",
            role: Role::Editor,
        },
        DemoAuthor {
            email: "owen.farrow@atlas.example",
            display_name: "Owen Farrow",
            slug: "owen-farrow",
            bio: "Labour and transport reporter. Spent six years on the shipping desk of the \
                  Saltmere Gazette before joining Atlas News.",
            role: Role::Author,
        },
    ]
}

/// The primary collection "Posts" first, then the topical tags.
pub fn tags() -> Vec<TagInput> {
    let tag = |name: &str, slug: &str, description: &str| TagInput {
        name: name.into(),
        slug: Some(slug.into()),
        description: Some(description.into()),
    };
    vec![
        tag(
            "Posts",
            "posts",
            "Every story Atlas News publishes, newest first.",
        ),
        tag(
            "Labour",
            "labour",
            "Strikes, pay talks and the working life of the coast, from the docks to the railway.",
        ),
        tag(
            "Local Politics",
            "local-politics",
            "Port Averly City Hall, the council chamber and the people who run them.",
        ),
        tag(
            "Climate",
            "climate",
            "Storm surges, flood defences and how the coast is adapting to a changing sea.",
        ),
        tag(
            "Transport",
            "transport",
            "Trains, buses, ferries and roads across the Averly region.",
        ),
    ]
}

/// The published stories, the flagship first.
pub fn articles() -> Vec<DemoArticle> {
    vec![port_strike(), flood_barrier(), rail_strike()]
}

/// Puts the library image `photo` (the demo's lead photo) at the top of the
/// flagship, `article`, and again, wide and with its own caption, at the
/// start of its second section: a fresh install shows both uses.
pub fn with_lead_photo(article: &mut ArticleInput, photo: MediaId) {
    article.feature_image_url = None;
    article.feature_image_alt = None;
    article.feature_image_caption = None;
    article.feature_image_media_id = Some(photo.to_string());
    if let Some(section) = article.sections.get_mut(1) {
        section.blocks.insert(
            0,
            BlockContentInput::Image(ImageBlockInput {
                media_id: photo.to_string(),
                caption: Some(
                    "Three cranes, one quay, no ships: the terminal at dusk on the ninth day."
                        .into(),
                ),
                layout: Some("wide".into()),
                ..ImageBlockInput::default()
            })
            .into(),
        );
    }
}

fn paragraph(text: &str) -> BlockInput {
    BlockContentInput::Paragraph { text: text.into() }.into()
}

fn pull_quote(text: &str, speaker: &str, context: &str) -> BlockInput {
    BlockContentInput::PullQuote {
        text: text.into(),
        icon: None,
        speaker: Some(speaker.into()),
        context: Some(context.into()),
    }
    .into()
}

fn bullets(items: &[&str]) -> BlockInput {
    BlockContentInput::List {
        ordered: false,
        items: items.iter().map(|item| (*item).into()).collect(),
    }
    .into()
}

fn lede(blocks: Vec<BlockInput>) -> SectionInput {
    SectionInput {
        id: None,
        heading: None,
        icon: None,
        blocks,
    }
}

fn section(heading: &str, blocks: Vec<BlockInput>) -> SectionInput {
    SectionInput {
        id: None,
        heading: Some(heading.into()),
        icon: None,
        blocks,
    }
}

fn reply(
    author_name: &'static str,
    author_email: &'static str,
    body: &'static str,
    parent: Option<usize>,
    minutes_after_publication: i64,
) -> DemoReply {
    DemoReply {
        author_name,
        author_email,
        body,
        parent,
        minutes_after_publication,
    }
}

/// The flagship: a seed-shaped news page with every kind of block.
fn port_strike() -> DemoArticle {
    let sections = vec![
        lede(vec![
            paragraph(
                "A breakthrough at last, or a morning of handshakes? Mayor Helena Marsh says she \
                 will sit down with the leaders of Port Averly’s two dock unions on Thursday, in \
                 the first face-to-face attempt to end a strike that has left the city’s container \
                 terminal silent for nine days. Marsh announced the meeting on the city’s website \
                 late on Tuesday, calling the dispute “a slow bleed for every business on the \
                 coast”.",
            ),
            pull_quote(
                "🕊️ “Nobody wins a long strike. Thursday is the day we start talking like \
                 neighbours again, and I will not leave that room without a plan.”",
                "Helena Marsh",
                "in a statement on the city’s website",
            ),
            paragraph(
                "The meeting is set for 9:00 a.m. at City Hall. Marsh says she has also invited \
                 the Port Averly Harbour Authority and the two largest shipping agents that use \
                 the terminal, so that any agreement can be signed on the spot.",
            ),
        ]),
        section(
            "Harbour Authority Confirms It Will Attend",
            vec![
                paragraph(
                    "A spokesperson for the Harbour Authority, Corinne Vaughan, confirmed that \
                     chief executive Idris Calloway will be at the table. “Our door has always \
                     been open,” Vaughan told *Atlas News*. It will be the first time Calloway \
                     and the union leadership have met in person since talks broke down on the \
                     first morning of the strike.",
                ),
                paragraph(
                    "Authority officials say they are “ready to look again” at the shift rota at \
                     the heart of the dispute, though they have not said what they are prepared \
                     to change.",
                ),
            ],
        ),
        section(
            "🤝 Talks in the Harbour Hall Show Strain",
            vec![
                paragraph(
                    "Thursday’s meeting follows two rounds of indirect talks at the Harbour Hall \
                     last week, run by the regional conciliation service. Negotiators sat in \
                     separate rooms while conciliators carried proposals between them. The two \
                     sides agreed only on safety inspections of the older cranes, which union \
                     members had raised for months.",
                ),
                paragraph(
                    "Union officials left the second round frustrated. They say the authority \
                     added a new condition late in the day: that any return to work come with a \
                     **twelve-month no-strike pledge**, which the unions call a non-starter.",
                ),
                paragraph(
                    "Tomas Reyne, general secretary of the Harbour Workers’ Union, said his \
                     members were “ready to compromise on timing, not on safety or on pay”.",
                ),
            ],
        ),
        section(
            "💥 A Night-Shift Walkout Raises the Stakes",
            vec![
                paragraph(
                    "Pressure grew on Sunday when crane operators at the neighbouring bulk \
                     terminal, which had stayed open, walked off their night shift in solidarity. \
                     Two grain ships now wait at anchor outside the breakwater, and the Chamber of \
                     Commerce estimates that local exporters are losing around 1.8 million crowns \
                     a day.",
                ),
                paragraph(
                    "The Harbour Authority called the walkout “unofficial and unhelpful” and said \
                     it would review whether the bulk terminal could keep its winter contracts.",
                ),
                pull_quote(
                    "💬 “Our members have kept this port running through storms and floods. All \
                     we ask is that the rota is written with us, not handed to us.”",
                    "Tomas Reyne",
                    "at a rally on the Quay Road",
                ),
            ],
        ),
        section(
            "🧩 The Mayor’s Role: Broker or Bystander?",
            vec![
                paragraph(
                    "The city owns a minority stake in the Harbour Authority but has no formal say \
                     in its labour relations. Marsh’s allies argue that she is the one figure both \
                     sides still trust. Deputy mayor Anselm Prieto, who chairs the council’s \
                     economy committee, has backed the move:",
                ),
                pull_quote(
                    "🗣️ “When a dispute reaches every breakfast table in the city, it becomes the \
                     city’s business. Helena is right to put everyone in one room.”",
                    "Anselm Prieto",
                    "in a radio interview on Coast FM",
                ),
                paragraph(
                    "Opposition councillors are less convinced. Councillor Ruth Ashdown warned \
                     that City Hall could end up “underwriting a deal it cannot pay for” and asked \
                     the mayor to publish the terms of any offer before it is signed.",
                ),
            ],
        ),
        section(
            "⏳ Shipping Lines Run Out of Patience",
            vec![
                paragraph(
                    "Three container lines have already moved their calls to the larger port of \
                     Saltmere, forty miles up the coast. Their agents say they will wait until the \
                     end of the week before deciding whether to move their autumn schedules for \
                     good.",
                ),
                paragraph(
                    "Some freight managers worry that a rushed settlement could unravel within \
                     months. Others say *any* agreement that reopens the gates would be welcome \
                     news for the warehouses and hauliers that depend on the terminal. A \
                     [timeline of the dispute](https://example.org/port-averly/strike-timeline) \
                     published by the conciliation service lists eleven meetings since June.",
                ),
            ],
        ),
        section(
            "🌍 What’s Next?",
            vec![
                paragraph(
                    "Thursday’s meeting could decide whether the strike ends this week or drags on \
                     into the autumn. At stake:",
                ),
                bullets(&[
                    "A return to work at the container terminal, possibly within days",
                    "A shift rota negotiated with the unions rather than imposed on them",
                    "The winter contracts of the bulk terminal, and the jobs that go with them",
                ]),
                paragraph(
                    "The unions want the new rota withdrawn and a pay offer that keeps pace with \
                     prices. The authority wants a guarantee against further stoppages. Neither \
                     side has yet shown any sign of moving first.",
                ),
                paragraph(
                    "Meanwhile the cranes stand still, the ships wait offshore and the Quay Road \
                     cafés that feed the night shift are serving half their usual customers.",
                ),
            ],
        ),
        section(
            "⚖️ A Test for City Hall",
            vec![paragraph(
                "Marsh has staked a good deal of political capital on a single morning. If the \
                 meeting produces a signed timetable for a return to work, she will have shown \
                 that a mayor without formal powers can still move a stalled dispute. If it does \
                 not, the strike enters its third week with the city’s most senior politician now \
                 part of the story.",
            )],
        ),
    ];
    DemoArticle {
        author_slugs: vec!["owen-farrow", "mira-castellane"],
        tag_slugs: vec!["posts", "labour", "local-politics"],
        input: ArticleInput {
            title: "Mayor to Meet Port Unions: “Time to Settle This”".into(),
            standfirst: Some(
                "Mayor Helena Marsh will host union leaders and the harbour authority on Thursday \
                 in a bid to end the nine-day strike that has idled Port Averly’s container \
                 terminal."
                    .into(),
            ),
            sections,
            reply_policy: Some(ReplyPolicy::Open),
            feature_image_url: Some(
                "https://images.example/port-averly/idle-container-cranes.jpg".into(),
            ),
            feature_image_alt: Some(
                "Container cranes standing idle over an empty quay at dusk".into(),
            ),
            feature_image_caption: Some(
                "The container terminal has been closed for nine days. Photo: Atlas News".into(),
            ),
            ..ArticleInput::default()
        },
        hours_ago: 4,
        replies: vec![
            reply(
                "Ines Halloran",
                "ines.halloran@example.com",
                "My brother drives for one of the hauliers at the terminal. Nine days without a \
                 load is nine days without pay for him too. I hope they actually sign something \
                 on Thursday.",
                None,
                35,
            ),
            reply(
                "Declan Moss",
                "declan.moss@example.com",
                "Same for half of Ferry Street. But a deal written in one morning for the cameras \
                 won't last until Christmas. Better to take another week and get it right.",
                Some(0),
                58,
            ),
            reply(
                "Ines Halloran",
                "ines.halloran@example.com",
                "Fair point, Declan. I'd settle for a date, though. Even a date for going back \
                 would let people plan.",
                Some(1),
                74,
            ),
            reply(
                "Priya Lindqvist",
                "priya.lindqvist@example.com",
                "Good that the crane inspections were agreed at least. The two old cranes on \
                 berth four have worried people for years.",
                None,
                102,
            ),
            reply(
                "Gareth Tull",
                "gareth.tull@example.com",
                "They were flagged in the harbour safety report years ago as well. Would be good \
                 to see a follow-up on that.",
                Some(3),
                131,
            ),
        ],
    }
}

/// A shorter civic story, replies moderated.
fn flood_barrier() -> DemoArticle {
    let sections = vec![
        lede(vec![
            paragraph(
                "Residents of Port Averly will vote on 14 March on whether the city should build a \
                 movable tidal barrier across the mouth of the Averly estuary, the council \
                 confirmed on Monday. The result will be **binding**: if a majority votes no, the \
                 project will be shelved for at least five years.",
            ),
            paragraph(
                "The plan follows two winters in which storm surges flooded the lower town, \
                 closing the Quay Road for a combined eleven days.",
            ),
        ]),
        section(
            "🌊 What the Barrier Would Do",
            vec![
                paragraph(
                    "Engineers propose a row of steel gates resting on the estuary floor, raised \
                     only when a surge is forecast. The council says the barrier would protect \
                     about 6,000 homes and the whole of the harbour district.",
                ),
                pull_quote(
                    "🌊 “We can keep paying to pump out the lower town every winter, or we can pay \
                     once to keep the sea where it belongs.”",
                    "Hana Ferris",
                    "the council’s climate lead, at Monday’s briefing",
                ),
            ],
        ),
        section(
            "💰 Who Pays",
            vec![paragraph(
                "The council would borrow most of the 240 million crowns over thirty years, adding \
                 an estimated 90 crowns a year to an average household’s property tax. A national \
                 resilience fund has offered to cover up to a *third* of the bill, but only if \
                 building starts before 2029.",
            )],
        ),
        section(
            "🐟 Objections From the Estuary",
            vec![
                paragraph(
                    "Fishing families and the Averly Estuary Trust say the gates could change how \
                     silt settles in the channel and harm the oyster beds upstream. The trust has \
                     asked for an independent study to be published before the vote.",
                ),
                paragraph("The council says a study is under way and will be ready in January."),
            ],
        ),
    ];
    DemoArticle {
        author_slugs: vec!["mira-castellane"],
        tag_slugs: vec!["posts", "climate", "local-politics"],
        input: ArticleInput {
            title: "Port Averly to Vote on Tidal Barrier in March Referendum".into(),
            standfirst: Some(
                "The council has set a date for a binding vote on a 240-million-crown barrier that \
                 would close the estuary during storm surges."
                    .into(),
            ),
            sections,
            reply_policy: Some(ReplyPolicy::Moderated),
            feature_image_url: Some("https://images.example/port-averly/estuary-mouth.jpg".into()),
            feature_image_alt: Some(
                "The mouth of the Averly estuary at high tide, seen from the sea wall".into(),
            ),
            ..ArticleInput::default()
        },
        hours_ago: 27,
        replies: vec![
            reply(
                "Lotte Brennan",
                "lotte.brennan@example.com",
                "We were flooded out both winters. Whatever it costs, I'd rather pay it than go \
                 through that again.",
                None,
                90,
            ),
            reply(
                "Aldo Fenn",
                "aldo.fenn@example.com",
                "Sorry to hear that, Lotte. I just want to see the silt study before I vote. The \
                 oyster beds are half the jobs on our side of the river.",
                Some(0),
                145,
            ),
        ],
    }
}

/// A shorter transport story, replies closed.
fn rail_strike() -> DemoArticle {
    let sections = vec![
        lede(vec![
            paragraph(
                "Drivers on the Coastal Line, the regional railway linking Port Averly with \
                 Saltmere and the valley towns, will strike for 48 hours from 4:00 a.m. next \
                 Monday, their union announced on Friday.",
            ),
            paragraph(
                "The operator, Coastal Rail, says it will run one train an hour on the main line \
                 and replacement buses on the two branch lines.",
            ),
        ]),
        section(
            "🚆 Why Drivers Are Walking Out",
            vec![paragraph(
                "The dispute centres on a new roster that the drivers’ union says cuts the rest \
                 between long shifts from twelve hours to ten. Coastal Rail says the change \
                 affects fewer than one shift in twenty and is needed to cover rising weekend \
                 demand.",
            )],
        ),
        section(
            "🧭 How to Travel Next Week",
            vec![
                paragraph("Coastal Rail advises passengers to:"),
                bullets(&[
                    "Check the live timetable before leaving home",
                    "Allow extra time for replacement buses on the valley branches",
                    "Use season tickets on the Saltmere express coaches, which accept them on both \
                     days",
                ]),
            ],
        ),
        section(
            "Talks Pencilled In",
            vec![paragraph(
                "Both sides say they are willing to meet before Monday, and the conciliation \
                 service has offered Wednesday afternoon.",
            )],
        ),
    ];
    DemoArticle {
        author_slugs: vec!["owen-farrow"],
        tag_slugs: vec!["posts", "transport", "labour"],
        input: ArticleInput {
            title: "Coastal Line Drivers Announce Two-Day Strike".into(),
            standfirst: Some(
                "Train drivers will stop work on Monday and Tuesday in a dispute over rest \
                 between shifts, cutting services between Port Averly and Saltmere."
                    .into(),
            ),
            sections,
            reply_policy: Some(ReplyPolicy::Closed),
            ..ArticleInput::default()
        },
        hours_ago: 52,
        replies: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use masthead_domain::limits::REPLY_DEPTH_MAX;
    use masthead_domain::{
        ArticleContent, BlockContent, DisplayName, Email, NewReply, Slug, UserId,
    };

    fn validated(article: &DemoArticle) -> ArticleContent {
        let mut input = article.input.clone();
        input.authors = vec![UserId::generate()];
        input
            .validate()
            .unwrap_or_else(|errors| panic!("{:?} is invalid: {errors:?}", article.input.title))
    }

    fn flagship() -> DemoArticle {
        articles().remove(0)
    }

    #[test]
    fn every_article_validates_and_leaves_ids_to_the_loader() {
        let articles = articles();
        assert!(articles.len() >= 3);
        for article in &articles {
            assert!(article.input.authors.is_empty());
            assert!(article.input.tags.is_empty());
            assert_eq!(article.input.slug, None);
            assert!(article.hours_ago > 0);
            let content = validated(article);
            assert!(!content.standfirst.is_empty());
            assert!(content.slug_or_derived().is_some());
        }
    }

    #[test]
    fn derived_slugs_are_distinct() {
        let mut slugs: Vec<Slug> = articles()
            .iter()
            .map(|a| validated(a).slug_or_derived().unwrap())
            .collect();
        assert_eq!(
            slugs[0].as_str(),
            "mayor-to-meet-port-unions-time-to-settle-this"
        );
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), articles().len());
    }

    #[test]
    fn flagship_has_a_lede_without_heading() {
        let content = validated(&flagship());
        let lede = &content.sections[0];
        assert_eq!(lede.heading, None);
        assert_eq!(lede.icon, None);
        let paragraphs = lede
            .blocks
            .iter()
            .filter(|b| matches!(b.content, BlockContent::Paragraph(_)))
            .count();
        assert_eq!(paragraphs, 2);
    }

    #[test]
    fn flagship_headings_carry_icons() {
        let content = validated(&flagship());
        let headed: Vec<_> = content.sections[1..].iter().collect();
        assert!(headed.iter().all(|s| s.heading.is_some()));
        let with_icons: Vec<&str> = headed.iter().filter_map(|s| s.icon.as_deref()).collect();
        assert!(with_icons.len() >= 6, "{with_icons:?}");
        assert!(
            with_icons.iter().any(|icon| icon.chars().count() > 1),
            "no multi-codepoint icon in {with_icons:?}"
        );
        for section in &headed {
            let heading = section.heading.as_deref().unwrap();
            assert!(
                heading.starts_with(|c: char| c.is_alphanumeric()),
                "heading keeps an emoji: {heading:?}"
            );
        }
    }

    #[test]
    fn flagship_has_three_attributed_pull_quotes() {
        let content = validated(&flagship());
        let quotes: Vec<_> = content
            .sections
            .iter()
            .flat_map(|s| &s.blocks)
            .filter_map(|b| match &b.content {
                BlockContent::PullQuote(q) => Some(q),
                _ => None,
            })
            .collect();
        assert_eq!(quotes.len(), 3);
        for quote in quotes {
            assert!(quote.icon.is_some(), "{quote:?}");
            assert!(quote.speaker.is_some(), "{quote:?}");
            assert!(quote.context.is_some(), "{quote:?}");
            assert!(quote.text.starts_with('“'), "{quote:?}");
        }
    }

    #[test]
    fn flagship_has_an_at_stake_list() {
        let content = validated(&flagship());
        let found = content.sections.iter().any(|section| {
            section
                .blocks
                .windows(2)
                .any(|pair| match (&pair[0].content, &pair[1].content) {
                    (BlockContent::Paragraph(intro), BlockContent::List(list)) => {
                        intro.text().ends_with("At stake:")
                            && !list.ordered
                            && list.items.len() >= 3
                    }
                    _ => false,
                })
        });
        assert!(found);
    }

    #[test]
    fn the_lead_photo_becomes_the_feature_image_and_a_wide_block() {
        let mut article = flagship();
        let photo = MediaId::generate();
        with_lead_photo(&mut article.input, photo);
        let content = validated(&article);
        let image = content.feature_image.as_ref().unwrap();
        assert_eq!(image.media_id, Some(photo));
        let BlockContent::Image(block) = &content.sections[1].blocks[0].content else {
            panic!("{:?}", content.sections[1].blocks[0]);
        };
        assert_eq!(block.media_id, photo);
        assert_eq!(block.layout, masthead_domain::ImageLayout::Wide);
        assert!(block.caption.is_some());
    }

    #[test]
    fn flagship_is_a_full_length_open_story() {
        let article = flagship();
        let content = validated(&article);
        let words = content.word_count();
        assert!((700..=900).contains(&words), "{words} words");
        assert_eq!(content.reply_policy, ReplyPolicy::Open);
        assert_eq!(article.author_slugs.len(), 2);
        assert!(content.feature_image.is_some());
        let html: String = content
            .sections
            .iter()
            .flat_map(|s| &s.blocks)
            .filter_map(|b| match &b.content {
                BlockContent::Paragraph(text) => Some(text.html()),
                _ => None,
            })
            .collect();
        assert!(html.contains("<em>"));
        assert!(html.contains("<strong>"));
        assert!(html.contains("<a href=\"https://example.org/"));
    }

    #[test]
    fn other_articles_are_shorter_with_varied_policies() {
        let articles = articles();
        let policies: Vec<_> = articles[1..]
            .iter()
            .map(|a| validated(a).reply_policy)
            .collect();
        assert!(policies.contains(&ReplyPolicy::Moderated));
        assert!(policies.contains(&ReplyPolicy::Closed));
        for article in &articles[1..] {
            let headed = article
                .input
                .sections
                .iter()
                .filter(|s| s.heading.is_some())
                .count();
            assert!((3..=4).contains(&headed), "{}", article.input.title);
            assert!(article.replies.len() <= 2);
        }
    }

    #[test]
    fn every_tag_validates_and_posts_comes_first() {
        let tags: Vec<_> = tags()
            .into_iter()
            .map(|tag| TagInput::validate(tag).unwrap())
            .collect();
        assert_eq!(tags[0].slug.as_str(), "posts");
        assert_eq!(tags[0].name, "Posts");
        assert!((5..=6).contains(&tags.len()));
        assert!(tags.iter().all(|t| t.description.is_some()));
        let mut slugs: Vec<_> = tags.iter().map(|t| t.slug.clone()).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), tags.len());
    }

    #[test]
    fn authors_are_an_editor_and_an_author() {
        let authors = authors();
        assert_eq!(authors.len(), 2);
        assert_eq!(authors[0].role, Role::Editor);
        assert_eq!(authors[1].role, Role::Author);
        for author in &authors {
            assert!(author.email.ends_with("@atlas.example"));
            Email::parse("email", author.email).unwrap();
            DisplayName::parse("display_name", author.display_name).unwrap();
            Slug::parse("slug", author.slug).unwrap();
            assert!(!author.bio.is_empty());
        }
    }

    #[test]
    fn bylines_and_tags_refer_to_known_slugs() {
        let author_slugs: Vec<_> = authors().iter().map(|a| a.slug).collect();
        let tag_slugs: Vec<_> = tags()
            .into_iter()
            .map(|t| t.validate().unwrap().slug)
            .collect();
        for article in articles() {
            assert!(!article.author_slugs.is_empty());
            assert!(article
                .author_slugs
                .iter()
                .all(|s| author_slugs.contains(s)));
            assert_eq!(article.tag_slugs[0], "posts");
            assert!(article
                .tag_slugs
                .iter()
                .all(|s| tag_slugs.iter().any(|t| t.as_str() == *s)));
        }
    }

    #[test]
    fn replies_are_valid_and_threaded_backwards() {
        for article in articles() {
            if article.input.reply_policy == Some(ReplyPolicy::Closed) {
                assert!(article.replies.is_empty(), "{}", article.input.title);
            }
            let mut depths: Vec<u8> = Vec::new();
            for (i, reply) in article.replies.iter().enumerate() {
                NewReply::parse(reply.author_name, reply.author_email, reply.body)
                    .unwrap_or_else(|e| panic!("reply {i}: {e:?}"));
                assert!(reply.author_email.ends_with("@example.com"));
                assert!(reply.minutes_after_publication > 0);
                assert!(reply.minutes_after_publication < article.hours_ago * 60);
                let depth = match reply.parent {
                    None => 1,
                    Some(parent) => {
                        assert!(parent < i, "reply {i} answers a later reply");
                        let earlier = &article.replies[parent];
                        assert!(
                            earlier.minutes_after_publication < reply.minutes_after_publication
                        );
                        depths[parent] + 1
                    }
                };
                assert!(depth <= REPLY_DEPTH_MAX);
                depths.push(depth);
            }
        }
    }

    #[test]
    fn flagship_thread_nests_two_levels() {
        let replies = flagship().replies;
        assert!((4..=5).contains(&replies.len()));
        assert!(replies.iter().any(|r| r.parent == Some(0)));
        let two_deep = replies
            .iter()
            .any(|r| r.parent.is_some_and(|p| replies[p].parent.is_some()));
        assert!(two_deep);
    }
}
