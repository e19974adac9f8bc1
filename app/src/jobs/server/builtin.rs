//! The three built-in templates. Each is a complete job a manager can publish after
//! giving it a title, pay and units.

use crate::forms::{ChoiceOption, Condition, Field, FieldKind, FormDraft, Lang, Text};
use crate::jobs::settings::{Category, Geography, JobSettings, QcPolicy};
use crate::jobs::templates::{BuiltIn, JobSpec, TrainingSpec};
use crate::money::Paise;
use crate::training::{ContentBlock, Question, TrainingContent};

fn field(key: &str, en: &str, hi: &str, required: bool, kind: FieldKind) -> Field {
    Field { key: key.into(), label: Text::both(en, hi), help: Text::default(), required, kind, show_if: None }
}

fn when(mut field: Field, on: &str, values: &[&str]) -> Field {
    field.show_if =
        Some(Condition { field: on.into(), any_of: values.iter().map(|v| v.to_string()).collect() });
    field
}

fn help(mut field: Field, en: &str, hi: &str) -> Field {
    field.help = Text::both(en, hi);
    field
}

fn options(pairs: &[(&str, &str, &str)]) -> Vec<ChoiceOption> {
    pairs
        .iter()
        .map(|(value, en, hi)| ChoiceOption { value: value.to_string(), label: Text::both(*en, *hi) })
        .collect()
}

fn question(en: &str, answers: &[&str], correct: usize) -> Question {
    Question {
        prompt: Text::en(en),
        options: answers.iter().map(|a| Text::en(*a)).collect(),
        correct: vec![correct],
        multiple: false,
    }
}

pub fn spec(template: BuiltIn) -> JobSpec {
    match template {
        BuiltIn::ShopVerification => shop_verification(),
        BuiltIn::HouseholdSurvey => household_survey(),
        BuiltIn::ImageTagging => image_tagging(),
    }
}

fn shop_verification() -> JobSpec {
    let form = FormDraft {
        fields: vec![
            help(
                field(
                    "before_you_start",
                    "Before you start",
                    "शुरू करने से पहले",
                    false,
                    FieldKind::Instruction { image_url: None },
                ),
                "Stand at the shop's door. Do not enter if the shop is closed.",
                "दुकान के दरवाज़े पर खड़े हों। दुकान बंद हो तो अंदर न जाएँ।",
            ),
            field(
                "shop_found",
                "Did you find the shop at this address?",
                "क्या इस पते पर दुकान मिली?",
                true,
                FieldKind::YesNo,
            ),
            when(
                field("shop_open", "Is the shop open?", "क्या दुकान खुली है?", true, FieldKind::YesNo),
                "shop_found",
                &["yes"],
            ),
            when(
                field(
                    "not_found_reason",
                    "What is at the address?",
                    "पते पर क्या है?",
                    true,
                    FieldKind::SingleChoice {
                        options: options(&[
                            ("closed_down", "The shop has closed down", "दुकान बंद हो चुकी है"),
                            ("different_shop", "A different shop", "कोई दूसरी दुकान"),
                            ("no_such_address", "No such address", "ऐसा कोई पता नहीं"),
                        ]),
                    },
                ),
                "shop_found",
                &["no"],
            ),
            when(
                field(
                    "board_name",
                    "Name on the shop's board",
                    "दुकान के बोर्ड पर नाम",
                    true,
                    FieldKind::ShortText { pattern: None, max_length: Some(120) },
                ),
                "shop_found",
                &["yes"],
            ),
            when(
                field(
                    "board_photo",
                    "Photo of the shop front with its board",
                    "बोर्ड के साथ दुकान के सामने की फ़ोटो",
                    true,
                    FieldKind::Photo { min_count: 1, max_count: 2 },
                ),
                "shop_found",
                &["yes"],
            ),
            when(
                field(
                    "sells_packaged_food",
                    "Does it sell packaged food?",
                    "क्या यहाँ पैकेट वाला खाना बिकता है?",
                    false,
                    FieldKind::YesNo,
                ),
                "shop_open",
                &["yes"],
            ),
            when(
                field(
                    "owner_phone",
                    "Owner's mobile number (if they agree)",
                    "मालिक का मोबाइल नंबर (अगर वे सहमत हों)",
                    false,
                    FieldKind::Phone,
                ),
                "shop_open",
                &["yes"],
            ),
            field(
                "location",
                "Your location at the shop",
                "दुकान पर आपका स्थान",
                true,
                FieldKind::Location { max_accuracy_m: Some(50) },
            ),
        ],
    };
    let training = TrainingSpec {
        title: "Shop verification basics".into(),
        content: TrainingContent {
            blocks: vec![
                ContentBlock::Text { text: Text::both(
                    "Go to the address in the gig. Take the board photo from across the road so the whole board and the shop's door are in it.",
                    "गिग में दिए पते पर जाएँ। सड़क के उस पार से बोर्ड की फ़ोटो लें ताकि पूरा बोर्ड और दुकान का दरवाज़ा दिखे।",
                ) },
                ContentBlock::Text { text: Text::both(
                    "Capture your location while standing at the door, in the open, not inside a building.",
                    "अपना स्थान दरवाज़े पर खड़े होकर, खुले में लें, इमारत के अंदर नहीं।",
                ) },
                ContentBlock::Text { text: Text::both(
                    "Never ask for money or documents. If the owner does not want to give a phone number, leave it empty.",
                    "कभी पैसे या दस्तावेज़ न माँगें। अगर मालिक नंबर नहीं देना चाहते, तो खाली छोड़ दें।",
                ) },
            ],
            questions: vec![
                question("Where do you take the board photo from?", &["Inside the shop", "Across the road, whole board visible", "From a distance of 1 km"], 1),
                question("The owner does not want to share a phone number. What do you do?", &["Insist", "Leave it empty", "Make one up"], 1),
                question("Where do you capture your location?", &["At the shop's door", "At home", "Anywhere"], 0),
            ],
        },
        pass_mark_percent: 100,
        max_attempts: 3,
        cooldown_minutes: 30,
    };
    JobSpec {
        settings: JobSettings {
            title: "Verify shops".into(),
            title_hi: "दुकानों का सत्यापन".into(),
            description: "Visit each shop at its address, check that it is there and open, photograph its board and record your location at the door.".into(),
            description_hi: "हर दुकान पर उसके पते पर जाएँ, देखें कि वह है और खुली है, बोर्ड की फ़ोटो लें और दरवाज़े पर अपना स्थान दर्ज करें।".into(),
            category: Category::ShopVerification,
            pay: Paise(4500),
            target_approved: 100,
            reservation_minutes: 120,
            expected_minutes: 20,
            geography: Geography::NearUnits { max_distance_m: 5_000 },
            languages: vec![Lang::En, Lang::Hi],
            qc_policy: QcPolicy { geofence_m: 200, ..QcPolicy::default() },
            ..JobSettings::blank()
        },
        form,
        training: Some(training),
    }
}

fn household_survey() -> JobSpec {
    let form = FormDraft {
        fields: vec![
            field(
                "consent",
                "Did the household agree to answer?",
                "क्या परिवार जवाब देने के लिए सहमत है?",
                true,
                FieldKind::YesNo,
            ),
            when(
                field(
                    "members",
                    "How many people live here?",
                    "यहाँ कितने लोग रहते हैं?",
                    true,
                    FieldKind::Number { min: Some(1.0), max: Some(30.0), integer: true },
                ),
                "consent",
                &["yes"],
            ),
            when(
                field(
                    "has_children",
                    "Are there children under 14?",
                    "क्या 14 साल से कम उम्र के बच्चे हैं?",
                    true,
                    FieldKind::YesNo,
                ),
                "consent",
                &["yes"],
            ),
            when(
                field(
                    "children",
                    "How many children under 14?",
                    "14 साल से कम उम्र के कितने बच्चे?",
                    true,
                    FieldKind::Number { min: Some(1.0), max: Some(15.0), integer: true },
                ),
                "has_children",
                &["yes"],
            ),
            when(
                field(
                    "schooling",
                    "Do the children go to school?",
                    "क्या बच्चे स्कूल जाते हैं?",
                    true,
                    FieldKind::SingleChoice {
                        options: options(&[
                            ("all", "All of them", "सभी"),
                            ("some", "Some of them", "कुछ"),
                            ("none", "None", "कोई नहीं"),
                        ]),
                    },
                ),
                "has_children",
                &["yes"],
            ),
            when(
                field(
                    "cooking_fuel",
                    "Main cooking fuel",
                    "खाना पकाने का मुख्य ईंधन",
                    true,
                    FieldKind::SingleChoice {
                        options: options(&[
                            ("lpg", "LPG", "एलपीजी"),
                            ("wood", "Wood", "लकड़ी"),
                            ("kerosene", "Kerosene", "मिट्टी का तेल"),
                            ("electric", "Electric", "बिजली"),
                        ]),
                    },
                ),
                "consent",
                &["yes"],
            ),
            when(
                field(
                    "appliances",
                    "Which of these does the household have?",
                    "इनमें से परिवार के पास क्या है?",
                    false,
                    FieldKind::MultipleChoice {
                        options: options(&[
                            ("tv", "Television", "टीवी"),
                            ("fridge", "Refrigerator", "फ़्रिज"),
                            ("two_wheeler", "Two-wheeler", "दोपहिया"),
                            ("smartphone", "Smartphone", "स्मार्टफ़ोन"),
                        ]),
                        min_selected: None,
                        max_selected: None,
                    },
                ),
                "consent",
                &["yes"],
            ),
            when(
                field(
                    "notes",
                    "Anything else the surveyor noticed",
                    "सर्वेक्षक ने और क्या देखा",
                    false,
                    FieldKind::LongText { max_length: Some(1000) },
                ),
                "consent",
                &["yes"],
            ),
        ],
    };
    JobSpec {
        settings: JobSettings {
            title: "Household survey".into(),
            title_hi: "घरेलू सर्वेक्षण".into(),
            description: "Ask each household the questions in the form. Read each question as written; do not suggest answers.".into(),
            description_hi: "हर परिवार से फ़ॉर्म के सवाल पूछें। सवाल जैसा लिखा है वैसा ही पढ़ें; जवाब न सुझाएँ।".into(),
            category: Category::Survey,
            pay: Paise(6000),
            target_approved: 500,
            reservation_minutes: 90,
            expected_minutes: 15,
            languages: vec![Lang::En, Lang::Hi],
            ..JobSettings::blank()
        },
        form,
        training: None,
    }
}

fn image_tagging() -> JobSpec {
    let form = FormDraft {
        fields: vec![
            help(
                field(
                    "look",
                    "Look at the photo shown with this gig",
                    "इस गिग के साथ दिखाई गई फ़ोटो देखें",
                    false,
                    FieldKind::Instruction { image_url: None },
                ),
                "Answer about what you can see, not what you guess.",
                "जो दिख रहा है उसके बारे में जवाब दें, अंदाज़ा न लगाएँ।",
            ),
            field(
                "subject",
                "What is the main subject?",
                "मुख्य विषय क्या है?",
                true,
                FieldKind::SingleChoice {
                    options: options(&[
                        ("shop_front", "A shop front", "दुकान का सामने का हिस्सा"),
                        ("product", "A product", "कोई उत्पाद"),
                        ("document", "A document", "कोई दस्तावेज़"),
                        ("person", "A person", "कोई व्यक्ति"),
                        ("other", "Something else", "कुछ और"),
                    ]),
                },
            ),
            field(
                "quality",
                "Is the photo usable?",
                "क्या फ़ोटो काम की है?",
                true,
                FieldKind::SingleChoice {
                    options: options(&[
                        ("good", "Clear", "साफ़"),
                        ("blurry", "Blurry", "धुंधली"),
                        ("dark", "Too dark", "बहुत अंधेरी"),
                    ]),
                },
            ),
            field(
                "visible",
                "What can you see?",
                "आपको क्या दिख रहा है?",
                false,
                FieldKind::MultipleChoice {
                    options: options(&[
                        ("text", "Readable text", "पढ़ने योग्य लिखावट"),
                        ("logo", "A brand logo", "ब्रांड का लोगो"),
                        ("price", "A price", "कीमत"),
                        ("face", "A face", "चेहरा"),
                    ]),
                    min_selected: None,
                    max_selected: None,
                },
            ),
        ],
    };
    JobSpec {
        settings: JobSettings {
            title: "Tag photos".into(),
            title_hi: "फ़ोटो टैग करें".into(),
            description: "Each unit is a photo (its `image_url` column). Three giggers tag every photo; answers that agree are approved.".into(),
            description_hi: String::new(),
            category: Category::ImageTagging,
            pay: Paise(200),
            target_approved: 3000,
            reservation_minutes: 10,
            expected_minutes: 1,
            overlap: 3,
            languages: vec![Lang::En, Lang::Hi],
            qc_policy: QcPolicy { min_seconds_on_task: 3, ..QcPolicy::default() },
            ..JobSettings::blank()
        },
        form,
        training: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::FormSchema;

    #[test]
    fn every_built_in_template_is_sound() {
        for template in BuiltIn::ALL {
            let spec = spec(template);
            FormSchema::parse(spec.form.clone()).unwrap_or_else(|e| panic!("{template:?}: {e:?}"));
            if let Some(training) = &spec.training {
                assert_eq!(training.content.problems(), Vec::<String>::new(), "{template:?}");
                assert_eq!(training.content.questions.len(), 3);
            }
        }
        assert!(FormSchema::parse(spec(BuiltIn::ShopVerification).form).unwrap().has_location());
        assert_eq!(spec(BuiltIn::ImageTagging).settings.overlap, 3);
    }
}
