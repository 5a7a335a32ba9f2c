"""The app's own words in English and French (questionnaire texts come from the YAML files).

``t(key, **values)`` reads the language chosen in the sidebar. A test checks that both languages have the
same keys and that every key the pages use exists.
"""

from __future__ import annotations

import threading

import streamlit as st

LANGUAGE_NAMES = {"en": "English", "fr": "Français"}

WORDS: dict[str, dict[str, str]] = {
    "en": {
        # pages
        "page.home": "Home",
        "page.assess": "Assess",
        "page.review": "Review",
        "page.archive": "Archive",
        "page.questionnaires": "Questionnaires",
        # sign-in
        "signin.name": "Your name",
        "signin.role": "Your role",
        "signin.local": "Local mode: no sign-in is configured, so anyone can choose any name and role.",
        "signin.needed": "Enter your name and role in the sidebar to start.",
        "signin.login": "Sign in",
        "signin.logout": "Sign out",
        "signin.as": "Signed in as **{name}**",
        "signin.change": "Change your name",
        "role.author": "Author (product team)",
        "role.reviewer": "Reviewer / DPO",
        "role.admin": "Administrator",
        # statuses and decisions
        "status.draft": "draft",
        "status.submitted": "submitted",
        "status.in_review": "in review",
        "status.changes_requested": "changes requested",
        "status.approved": "approved",
        "status.rejected": "rejected",
        "status.archived": "archived",
        "decision.approved": "approved",
        "decision.approved_with_conditions": "approved with conditions",
        "decision.changes_requested": "changes requested",
        "decision.rejected": "rejected",
        "verdict.acceptable": "acceptable",
        "verdict.improvable": "improvable",
        "verdict.to_correct": "to correct",
        # common
        "required": "required",
        "not_answered": "not answered",
        "choose": "Choose an answer",
        "choose_many": "Choose one or more",
        "clear_answer": "Clear this answer",
        "examples": "Examples",
        "provisional": "provisional",
        "provisional.why": "Some answers that could change this are still missing.",
        "group.row": "Row",
        "group.empty": "No rows yet.",
        "group.add": "Add a {row}",
        "group.remove": "Remove {row}",
        "risk.before": "Before measures",
        "risk.after": "After measures",
        "risk.likelihood": "Likelihood",
        "risk.severity": "Severity",
        "risk.name": "Risk",
        "kind.yes_no": "yes / no",
        "kind.single_choice": "one choice",
        "kind.multi_choice": "several choices",
        "kind.short_text": "short text",
        "kind.long_text": "long text",
        "kind.number": "number",
        "kind.date": "date",
        "kind.scale": "scale",
        "kind.group": "table of rows",
        "kind.risk_rating": "risk rating",
        # home
        "home.title": "Privacy impact assessments",
        "home.mine": "My assessments",
        "home.queue": "Waiting for review",
        "home.none": "None yet.",
        "home.col.title": "Feature",
        "home.col.status": "Status",
        "home.col.verdict": "DPIA",
        "dpia_short.required": "required",
        "dpia_short.recommended": "recommended",
        "dpia_short.not_required": "not required",
        "ai_short.prohibited": "prohibited",
        "ai_short.high_risk": "high-risk",
        "ai_short.transparency": "transparency",
        "ai_short.none": "none found",
        "home.overdue": "overdue",
        "home.overdue_list": "Review date passed (Art. 35(11)): {titles}",
        "home.continue": "Continue with “{title}”",
        "home.row.verdict": "DPIA {value}",
        "home.row.ai_act": "AI Act: {value}",
        "home.row.review": "review by {date}",
        "home.show_all": "Show all {count}",
        "home.new": "Start a new assessment",
        "home.feature": "Feature name",
        "home.owner": "Owner (team or person)",
        "home.questionnaire": "Questionnaire",
        "home.review_date": "Next review date",
        "home.create": "Create and start",
        "home.feature_needed": "Give the feature a name.",
        "home.no_questionnaires": "No questionnaire is loaded: see the Questionnaires page.",
        "home.import": "Import an assessment",
        "home.import_help": "An answers file (YAML or JSON), a JSON export of the store, or an archived PDF.",
        "home.import_file": "File to import",
        "home.import_go": "Import",
        "home.missing": "No assessment with the id {id}: it may have been removed, or the link is wrong.",
        "home.reviewer_hint": "Reviewers open submitted assessments from the list; authors start new ones.",
        # assess
        "assess.none": "No assessment is open: open or start one on the Home page.",
        "assess.no_questionnaire": "The questionnaire {id} is not loaded: see the Questionnaires page.",
        "assess.meta": "Status: {status} · {questionnaire} · owner: {owner} · revision {revision}",
        "assess.share": "Link to share: {link}",
        "assess.completion": "{pct}% of the required answers given",
        "assess.read_only": "Read only: the assessment is {status}, and your role cannot change it now.",
        "assess.sections": "Sections",
        "assess.section_done": "done",
        "assess.section_todo": "{done}/{n} required",
        "assess.full_anyway": "Fill in the full DPIA anyway",
        "assess.no_questions": "No question applies yet.",
        "assess.previous": "Previous section",
        "assess.next": "Next section",
        "assess.missing": "Still to answer before submitting: {questions}",
        "assess.submit": "Submit for review",
        "assess.withdraw": "Withdraw (back to draft)",
        "assess.continue_hint": "The screening calls for a DPIA: continue with “{title}”; your answers carry over.",
        "assess.continue": "Continue with the full DPIA",
        "assess.continued": "The full DPIA starts with your screening answers.",
        "assess.about": "About this assessment",
        "assess.description": "Description",
        # conflicts
        "conflict.title": "Someone else changed “{question}” at the same time. Which answer do you keep?",
        "conflict.yours": "Your answer",
        "conflict.stored": "Saved answer",
        "conflict.keep_mine": "Keep mine",
        "conflict.keep_stored": "Keep the saved one",
        "conflict.other": "A change of yours could not be saved because someone else saved first.",
        "conflict.dismiss": "Dismiss",
        "conflict.merged": "Someone else changed other answers meanwhile: they are shown, and yours is saved.",
        "conflict.happened": "Your change was not saved: someone else changed the same answer. Choose below.",
        # the database could not be written (full disk, read-only, unreachable)
        "autosave.kept": "Your answer is still on this page: press “Save again” once the database works again.",
        "autosave.again": "Save again ({n} unsaved)",
        "autosave.kept_about": (
            "Your title, description and review date are still on this page: press “Save again” once the "
            "database works again."
        ),
        # the database failed while a page was read (by StorageError.kind), and what to do
        "storage.unreachable": (
            "**The database cannot be reached or opened.** Nothing was changed: what is already saved in it is "
            "safe. Try again when it is back; if it stays out of reach, tell the person who runs this app."
        ),
        "storage.damaged": (
            "**The database file is damaged or is not a database.** Nothing was written to it. Tell the person "
            "who runs this app: the file must be repaired or restored from a backup."
        ),
        "storage.disk_full": (
            "**The database's disk is full.** What is already saved in it is safe; nothing new can be saved until "
            "space is freed. Tell the person who runs this app, then try again."
        ),
        "storage.read_only": (
            "**The database is read-only.** What is already saved in it is safe; nothing can be changed until it "
            "is writable again. Tell the person who runs this app, then try again."
        ),
        "storage.no_permission": (
            "**The database refused: this account lacks the permission.** What is already saved in it is safe. "
            "Tell the person who runs this app, then try again."
        ),
        "storage.busy": (
            "**The database stayed busy with other changes for too long.** What is already saved in it is safe. "
            "Try again in a moment."
        ),
        "storage.io_error": (
            "**The disk holding the database could not be read or written.** Nothing was changed. Tell the person "
            "who runs this app, then try again."
        ),
        "storage.resources": (
            "**The database server is out of resources.** What is already saved in it is safe. Try again in a "
            "moment; if it keeps happening, tell the person who runs this app."
        ),
        "storage.details": "Details: {details}",
        "storage.retry": "Try again",
        # live panel
        "panel.title": "Outcome so far",
        "criteria.title": "WP248 criteria met: {n} of {total}",
        "criteria.met": "met",
        "criteria.undecided": "undecided",
        "criteria.none": "None so far.",
        "art35_3": "Art. 35(3)({point})",
        "findings.title": "Flags ({n})",
        "findings.none": "No flag so far.",
        "finding.why": "Why (fired because)",
        "finding.references": "References",
        "finding.alternative": "Less intrusive alternative",
        "whatif.title": "What would change the outcome",
        "whatif.none": "No single answer clears this flag: it follows from other flags or several answers together.",
        "whatif.if": "If {change}: this flag clears.",
        "whatif.verdict": "The DPIA verdict would become “{verdict}”.",
        "whatif.clears_too": "It would also clear: {titles}.",
        "whatif.raises": "But it would raise: {titles}.",
        "undecided.title": "May apply once answered",
        "undecided.missing": "needs {questions}",
        "prior_consultation": "Prior consultation of the supervisory authority (Art. 36)",
        "heatmap.title": "Risk map (likelihood × severity)",
        "heatmap.none": "This questionnaire has no risk matrix.",
        # review
        "review.none": "No assessment is open: open one from the Home page.",
        "review.title": "Review: {title}",
        "review.summary": "Summary",
        "review.answers": "Answers and comments",
        "review.comment_count": "{n} comment(s)",
        "review.resolved": "resolved",
        "review.resolve": "Mark resolved",
        "review.comment_title": "Add a comment",
        "review.comment_on": "On",
        "review.whole": "The whole assessment",
        "review.verdict": "Verdict",
        "review.no_verdict": "No verdict",
        "review.comment_text": "Comment",
        "review.comment_add": "Add the comment",
        "review.comment_empty": "Write a comment or choose a verdict.",
        "review.comment_saved": "Comment saved.",
        "review.override_title": "Override a risk rating or a flag's severity",
        "review.override_target": "Risk or flag",
        "review.override_field": "Rating",
        "review.override_value": "New value",
        "review.override_reason": "Reason (required)",
        "review.override_add": "Record the override",
        "review.override_needs_reason": "An override needs a reason.",
        "review.override_saved": "Override recorded.",
        "review.override_col": "Reviewer override",
        "review.override_line": "{what} — “{reason}” ({author})",
        "review.rule_overrides": "Flag severities changed by the reviewer",
        "review.decision": "Opinion and decision",
        "review.opinion": "DPO opinion (Art. 35(2))",
        "review.opinion_help": "Required before approving or rejecting.",
        "review.opinion_save": "Save the opinion",
        "review.opinion_saved": "Opinion saved.",
        "review.approval_kind": "Approval",
        "review.approve": "Approve and sign",
        "review.request_changes": "Request changes",
        "review.reject": "Reject",
        "review.approved": "Approved and signed: the archival PDF is stored.",
        "review.changes_requested": "Sent back to the author.",
        "review.rejected": "Rejected.",
        "review.signed": "Signed by {name} ({role}) on {date}",
        "review.no_decision": "No opinion or decision yet.",
        "review.start": "Start the review",
        "review.started": "Review started.",
        "review.archive": "Archive",
        "review.pdf": "Download the PDF",
        "review.diff_title": "Changes since approved revision {revision}",
        "review.diff_none": "No change since then.",
        "review.diff_question": "Question",
        "review.diff_before": "Before",
        "review.diff_after": "Now",
        "review.diff_outcome": "Outcome changes",
        # archive
        "archive.versions": "Approved versions",
        "archive.none": "No approved version yet.",
        "archive.revision": "Revision",
        "archive.decision": "Decision",
        "archive.approved_by": "Approved by",
        "archive.approved_at": "Approved on",
        "archive.pick": "Version",
        "archive.download": "Download its PDF",
        "archive.verify": "Check an archived PDF",
        "archive.verify_help": "Checks the attached answers against the hash printed in the document.",
        "archive.upload": "Archived PDF",
        "archive.verified": "This PDF is intact: the attached answers match the printed hash.",
        "archive.not_verified": "This PDF does not verify:",
        "archive.holds": "It holds: **{feature}**, questionnaire {questionnaire}, decision: {decision}.",
        "archive.rescore": "Re-scoring after a questionnaire update",
        "archive.rescore_help": (
            "Scores every stored assessment with today's questionnaires and lists those whose outcome changes."
        ),
        "archive.rescore_run": "Run the re-scoring report",
        "archive.rescore_none": "No outcome changes ({n} assessments checked).",
        "archive.changes": "What changes",
        "archive.rescore_write": "Store the new outcomes",
        "archive.rescore_written": "{n} outcome(s) stored.",
        # questionnaires
        "questionnaires.none": "No questionnaire found.",
        "questionnaires.broken": "cannot be loaded; {n} problem(s):",
        "questionnaires.counts": "{sections} sections · {questions} questions · {rules} rules · languages: {languages}",
        "questionnaires.includes": "Includes: {ids} (their answers carry over)",
        "questionnaires.conditional": "asked only in some cases",
        "questionnaires.rules": "Rules ({n})",
    },
    "fr": {
        "page.home": "Accueil",
        "page.assess": "Évaluer",
        "page.review": "Revue",
        "page.archive": "Archives",
        "page.questionnaires": "Questionnaires",
        "signin.name": "Votre nom",
        "signin.role": "Votre rôle",
        "signin.local": "Mode local : aucune connexion n'est configurée, chacun peut choisir un nom et un rôle.",
        "signin.needed": "Indiquez votre nom et votre rôle dans la barre latérale pour commencer.",
        "signin.login": "Se connecter",
        "signin.logout": "Se déconnecter",
        "signin.as": "Connecté en tant que **{name}**",
        "signin.change": "Changer de nom",
        "role.author": "Auteur (équipe produit)",
        "role.reviewer": "Relecteur / DPD",
        "role.admin": "Administrateur",
        "status.draft": "brouillon",
        "status.submitted": "soumise",
        "status.in_review": "en revue",
        "status.changes_requested": "modifications demandées",
        "status.approved": "approuvée",
        "status.rejected": "refusée",
        "status.archived": "archivée",
        "decision.approved": "approuvée",
        "decision.approved_with_conditions": "approuvée sous conditions",
        "decision.changes_requested": "modifications demandées",
        "decision.rejected": "refusée",
        "verdict.acceptable": "acceptable",
        "verdict.improvable": "améliorable",
        "verdict.to_correct": "à corriger",
        "required": "obligatoire",
        "not_answered": "sans réponse",
        "choose": "Choisissez une réponse",
        "choose_many": "Choisissez une ou plusieurs réponses",
        "clear_answer": "Effacer cette réponse",
        "examples": "Exemples",
        "provisional": "provisoire",
        "provisional.why": "Des réponses qui pourraient changer ce résultat manquent encore.",
        "group.row": "Ligne",
        "group.empty": "Aucune ligne pour l'instant.",
        "group.add": "Ajouter : {row}",
        "group.remove": "Supprimer : {row}",
        "risk.before": "Avant mesures",
        "risk.after": "Après mesures",
        "risk.likelihood": "Vraisemblance",
        "risk.severity": "Gravité",
        "risk.name": "Risque",
        "kind.yes_no": "oui / non",
        "kind.single_choice": "choix unique",
        "kind.multi_choice": "choix multiple",
        "kind.short_text": "texte court",
        "kind.long_text": "texte long",
        "kind.number": "nombre",
        "kind.date": "date",
        "kind.scale": "échelle",
        "kind.group": "tableau de lignes",
        "kind.risk_rating": "évaluation de risque",
        "home.title": "Analyses d'impact relatives à la protection des données",
        "home.mine": "Mes analyses",
        "home.queue": "En attente de revue",
        "home.none": "Aucune pour l'instant.",
        "home.col.title": "Fonctionnalité",
        "home.col.status": "Statut",
        "home.col.verdict": "AIPD",
        "dpia_short.required": "obligatoire",
        "dpia_short.recommended": "recommandée",
        "dpia_short.not_required": "non obligatoire",
        "ai_short.prohibited": "interdite",
        "ai_short.high_risk": "haut risque",
        "ai_short.transparency": "transparence",
        "ai_short.none": "rien relevé",
        "home.overdue": "dépassée",
        "home.overdue_list": "Date de réexamen dépassée (art. 35(11)) : {titles}",
        "home.show_all": "Afficher les {count}",
        "home.continue": "Reprendre « {title} »",
        "home.row.verdict": "AIPD {value}",
        "home.row.ai_act": "RIA : {value}",
        "home.row.review": "date de réexamen : {date}",
        "home.new": "Nouvelle analyse",
        "home.feature": "Nom de la fonctionnalité",
        "home.owner": "Responsable (équipe ou personne)",
        "home.questionnaire": "Questionnaire",
        "home.review_date": "Prochaine date de réexamen",
        "home.create": "Créer et commencer",
        "home.feature_needed": "Donnez un nom à la fonctionnalité.",
        "home.no_questionnaires": "Aucun questionnaire n'est chargé : voir la page Questionnaires.",
        "home.import": "Importer une analyse",
        "home.import_help": "Un fichier de réponses (YAML ou JSON), un export JSON de la base ou un PDF archivé.",
        "home.import_file": "Fichier à importer",
        "home.import_go": "Importer",
        "home.missing": "Aucune analyse n'a l'identifiant {id} : elle a pu être supprimée, ou le lien est erroné.",
        "home.reviewer_hint": "Les relecteurs ouvrent les analyses soumises depuis la liste ; les auteurs en créent.",
        "assess.none": "Aucune analyse n'est ouverte : ouvrez-en une ou commencez-en une depuis l'Accueil.",
        "assess.no_questionnaire": "Le questionnaire {id} n'est pas chargé : voir la page Questionnaires.",
        "assess.meta": "Statut : {status} · {questionnaire} · responsable : {owner} · révision {revision}",
        "assess.share": "Lien à partager : {link}",
        "assess.completion": "{pct} % des réponses obligatoires données",
        "assess.read_only": "Lecture seule : l'analyse est {status} et votre rôle ne permet pas de la modifier.",
        "assess.sections": "Sections",
        "assess.section_done": "fait",
        "assess.section_todo": "{done}/{n} obligatoires",
        "assess.full_anyway": "Remplir quand même l'AIPD complète",
        "assess.no_questions": "Aucune question ne s'applique pour l'instant.",
        "assess.previous": "Section précédente",
        "assess.next": "Section suivante",
        "assess.missing": "Reste à répondre avant de soumettre : {questions}",
        "assess.submit": "Soumettre pour revue",
        "assess.withdraw": "Retirer (retour au brouillon)",
        "assess.continue_hint": (
            "La pré-analyse appelle une AIPD : continuez avec « {title} » ; vos réponses sont reprises."
        ),
        "assess.continue": "Continuer avec l'AIPD complète",
        "assess.continued": "L'AIPD complète reprend vos réponses de pré-analyse.",
        "assess.about": "À propos de cette analyse",
        "assess.description": "Description",
        "conflict.title": "Quelqu'un d'autre a modifié « {question} » en même temps. Quelle réponse gardez-vous ?",
        "conflict.yours": "Votre réponse",
        "conflict.stored": "Réponse enregistrée",
        "conflict.keep_mine": "Garder la mienne",
        "conflict.keep_stored": "Garder celle enregistrée",
        "conflict.other": (
            "Une de vos modifications n'a pas pu être enregistrée : quelqu'un d'autre a enregistré avant."
        ),
        "conflict.dismiss": "Ignorer",
        "conflict.merged": (
            "Quelqu'un d'autre a modifié d'autres réponses entre-temps : elles s'affichent, la vôtre est enregistrée."
        ),
        "conflict.happened": (
            "Votre modification n'est pas enregistrée : quelqu'un a modifié la même réponse. Choisissez ci-dessous."
        ),
        "autosave.kept": (
            "Votre réponse reste sur cette page : cliquez sur « Enregistrer à nouveau » quand la base de données "
            "fonctionne de nouveau."
        ),
        "autosave.again": "Enregistrer à nouveau ({n} non enregistrées)",
        "autosave.kept_about": (
            "Votre titre, votre description et votre date de revue restent sur cette page : cliquez sur "
            "« Enregistrer à nouveau » quand la base de données fonctionne de nouveau."
        ),
        "storage.unreachable": (
            "**La base de données est injoignable ou ne peut pas être ouverte.** Rien n'a été modifié : ce qui y "
            "est déjà enregistré est en sécurité. Réessayez quand elle sera de retour ; si cela dure, prévenez la "
            "personne qui gère cette application."
        ),
        "storage.damaged": (
            "**Le fichier de la base de données est endommagé ou n'est pas une base de données.** Rien n'y a été "
            "écrit. Prévenez la personne qui gère cette application : le fichier doit être réparé ou restauré "
            "depuis une sauvegarde."
        ),
        "storage.disk_full": (
            "**Le disque de la base de données est plein.** Ce qui y est déjà enregistré est en sécurité ; rien "
            "de nouveau ne peut être enregistré avant que de la place soit libérée. Prévenez la personne qui gère "
            "cette application, puis réessayez."
        ),
        "storage.read_only": (
            "**La base de données est en lecture seule.** Ce qui y est déjà enregistré est en sécurité ; rien ne "
            "peut être modifié tant qu'elle n'est pas de nouveau accessible en écriture. Prévenez la personne qui "
            "gère cette application, puis réessayez."
        ),
        "storage.no_permission": (
            "**La base de données a refusé : ce compte n'a pas la permission.** Ce qui y est déjà enregistré est "
            "en sécurité. Prévenez la personne qui gère cette application, puis réessayez."
        ),
        "storage.busy": (
            "**La base de données est restée occupée trop longtemps par d'autres modifications.** Ce qui y est "
            "déjà enregistré est en sécurité. Réessayez dans un instant."
        ),
        "storage.io_error": (
            "**Le disque de la base de données n'a pas pu être lu ou écrit.** Rien n'a été modifié. Prévenez la "
            "personne qui gère cette application, puis réessayez."
        ),
        "storage.resources": (
            "**Le serveur de base de données manque de ressources.** Ce qui y est déjà enregistré est en "
            "sécurité. Réessayez dans un instant ; si cela se reproduit, prévenez la personne qui gère cette "
            "application."
        ),
        "storage.details": "Détails : {details}",
        "storage.retry": "Réessayer",
        "panel.title": "Résultat à ce stade",
        "criteria.title": "Critères WP248 remplis : {n} sur {total}",
        "criteria.met": "rempli",
        "criteria.undecided": "indéterminé",
        "criteria.none": "Aucun pour l'instant.",
        "art35_3": "Art. 35(3)({point})",
        "findings.title": "Alertes ({n})",
        "findings.none": "Aucune alerte pour l'instant.",
        "finding.why": "Pourquoi (déclenchée par)",
        "finding.references": "Références",
        "finding.alternative": "Alternative moins intrusive",
        "whatif.title": "Ce qui changerait le résultat",
        "whatif.none": (
            "Aucune réponse isolée ne lève cette alerte : elle découle d'autres alertes ou de plusieurs réponses."
        ),
        "whatif.if": "Si {change} : cette alerte est levée.",
        "whatif.verdict": "Le verdict AIPD deviendrait « {verdict} ».",
        "whatif.clears_too": "Cela lèverait aussi : {titles}.",
        "whatif.raises": "Mais cela déclencherait : {titles}.",
        "undecided.title": "Pourraient s'appliquer une fois répondu",
        "undecided.missing": "dépend de {questions}",
        "prior_consultation": "Consultation préalable de l'autorité de contrôle (art. 36)",
        "heatmap.title": "Cartographie des risques (vraisemblance × gravité)",
        "heatmap.none": "Ce questionnaire n'a pas de matrice de risques.",
        "review.none": "Aucune analyse n'est ouverte : ouvrez-en une depuis l'Accueil.",
        "review.title": "Revue : {title}",
        "review.summary": "Synthèse",
        "review.answers": "Réponses et commentaires",
        "review.comment_count": "{n} commentaire(s)",
        "review.resolved": "traité",
        "review.resolve": "Marquer comme traité",
        "review.comment_title": "Ajouter un commentaire",
        "review.comment_on": "Sur",
        "review.whole": "L'analyse entière",
        "review.verdict": "Appréciation",
        "review.no_verdict": "Sans appréciation",
        "review.comment_text": "Commentaire",
        "review.comment_add": "Ajouter le commentaire",
        "review.comment_empty": "Écrivez un commentaire ou choisissez une appréciation.",
        "review.comment_saved": "Commentaire enregistré.",
        "review.override_title": "Corriger une évaluation de risque ou la gravité d'une alerte",
        "review.override_target": "Risque ou alerte",
        "review.override_field": "Évaluation",
        "review.override_value": "Nouvelle valeur",
        "review.override_reason": "Motif (obligatoire)",
        "review.override_add": "Enregistrer la correction",
        "review.override_needs_reason": "Une correction doit être motivée.",
        "review.override_saved": "Correction enregistrée.",
        "review.override_col": "Correction du relecteur",
        "review.override_line": "{what} — « {reason} » ({author})",
        "review.rule_overrides": "Gravités d'alertes modifiées par le relecteur",
        "review.decision": "Avis et décision",
        "review.opinion": "Avis du DPD (art. 35(2))",
        "review.opinion_help": "Obligatoire avant d'approuver ou de refuser.",
        "review.opinion_save": "Enregistrer l'avis",
        "review.opinion_saved": "Avis enregistré.",
        "review.approval_kind": "Approbation",
        "review.approve": "Approuver et signer",
        "review.request_changes": "Demander des modifications",
        "review.reject": "Refuser",
        "review.approved": "Approuvée et signée : le PDF d'archive est enregistré.",
        "review.changes_requested": "Renvoyée à l'auteur.",
        "review.rejected": "Refusée.",
        "review.signed": "Signé par {name} ({role}) le {date}",
        "review.no_decision": "Pas encore d'avis ni de décision.",
        "review.start": "Commencer la revue",
        "review.started": "Revue commencée.",
        "review.archive": "Archiver",
        "review.pdf": "Télécharger le PDF",
        "review.diff_title": "Modifications depuis la révision approuvée {revision}",
        "review.diff_none": "Aucune modification depuis.",
        "review.diff_question": "Question",
        "review.diff_before": "Avant",
        "review.diff_after": "Maintenant",
        "review.diff_outcome": "Changements du résultat",
        "archive.versions": "Versions approuvées",
        "archive.none": "Aucune version approuvée pour l'instant.",
        "archive.revision": "Révision",
        "archive.decision": "Décision",
        "archive.approved_by": "Approuvée par",
        "archive.approved_at": "Approuvée le",
        "archive.pick": "Version",
        "archive.download": "Télécharger son PDF",
        "archive.verify": "Vérifier un PDF archivé",
        "archive.verify_help": "Compare les réponses jointes à l'empreinte imprimée dans le document.",
        "archive.upload": "PDF archivé",
        "archive.verified": "Ce PDF est intact : les réponses jointes correspondent à l'empreinte imprimée.",
        "archive.not_verified": "Ce PDF ne se vérifie pas :",
        "archive.holds": "Il contient : **{feature}**, questionnaire {questionnaire}, décision : {decision}.",
        "archive.rescore": "Réévaluation après une mise à jour des questionnaires",
        "archive.rescore_help": (
            "Réévalue chaque analyse enregistrée avec les questionnaires "
            "actuels et liste celles dont le résultat change."
        ),
        "archive.rescore_run": "Lancer le rapport de réévaluation",
        "archive.rescore_none": "Aucun résultat ne change ({n} analyses vérifiées).",
        "archive.changes": "Ce qui change",
        "archive.rescore_write": "Enregistrer les nouveaux résultats",
        "archive.rescore_written": "{n} résultat(s) enregistré(s).",
        "questionnaires.none": "Aucun questionnaire trouvé.",
        "questionnaires.broken": "ne peut pas être chargé ; {n} problème(s) :",
        "questionnaires.counts": "{sections} sections · {questions} questions · {rules} règles · langues : {languages}",
        "questionnaires.includes": "Inclut : {ids} (leurs réponses sont reprises)",
        "questionnaires.conditional": "posée seulement dans certains cas",
        "questionnaires.rules": "Règles ({n})",
    },
}


def words(lang: str, key: str, **values: object) -> str:
    """``key`` in ``lang`` (English when the language is unknown), formatted with ``values``."""
    text = WORDS.get(lang, WORDS["en"])[key]
    return text.format(**values) if values else text


_run = threading.local()  # each session's script runs in its own thread


def start_run() -> str:
    """Read the chosen language once at the start of a script run (``t`` is called hundreds of times a run)."""
    _run.lang = st.session_state.get("lang") or "en"
    return str(_run.lang)


def t(key: str, **values: object) -> str:
    """``key`` in the language chosen in the sidebar."""
    lang = getattr(_run, "lang", None) or st.session_state.get("lang") or "en"
    return words(lang, key, **values)
