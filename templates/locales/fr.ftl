# Français. Chaque message de en.ftl doit exister ici aussi.
# Variables : $list est le nom d'une liste, $org celui de l'organisation,
# $count un nombre.

## Dates et durées

month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre
date = { $day } { $month } { $year }
date-day-month = { $day } { $month }
date-time = { $date } à { $time } { $zone }
duration-years = { $count ->
    [one] { $count } an
   *[other] { $count } ans
}
duration-days = { $count ->
    [one] { $count } jour
   *[other] { $count } jours
}
duration-hours = { $count ->
    [one] { $count } heure
   *[other] { $count } heures
}
duration-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
duration-seconds = { $count ->
    [one] { $count } seconde
   *[other] { $count } secondes
}
subscriber-count = { $count ->
    [one] { $count } abonné
   *[other] { $count } abonnés
}

## Ce qu'une nouvelle liste reçoit d'office

default-consent-wording = J'accepte de recevoir les e-mails { $list } envoyés par { $org }. Je peux me désabonner à tout moment grâce au lien présent dans chaque message.
default-list-description = Des nouvelles envoyées par { $org }, de temps en temps.

## Toutes les pages publiques

skip-to-content = Aller au contenu
site-footer = { $org } n'envoie que les messages que vous avez demandés. Chaque message contient un lien de désabonnement en un clic.
error-status = Erreur { $status }
nothing-happens-until = Rien ne se passe tant que vous n'avez pas appuyé sur le bouton.
own-page-link = Voir tous vos abonnements et vos données

## Le formulaire d'inscription

signup-title = S'abonner à { $list }
signup-point-check = Nous vous envoyons d'abord un e-mail pour vérifier que l'adresse est bien la vôtre. Rien d'autre n'arrive tant que vous n'avez pas appuyé sur le bouton qu'il contient.
signup-point-only = Vous recevez ensuite les messages de « { $list } », et rien d'autre.
signup-point-leave = Vous pouvez partir à tout moment : chaque message contient un lien de désabonnement en un clic.
signup-check-form = Veuillez vérifier le formulaire
signup-email = Adresse e-mail
signup-name = Nom (facultatif)
signup-optional = (facultatif)
field-yes = Oui
field-no = Non
signup-button = S'abonner
signup-pow-note = Avant l'envoi du formulaire, votre navigateur fait un court calcul, en général moins d'une seconde, qui montre qu'il n'est pas un robot envoyant des milliers d'inscriptions. Il demande JavaScript et n'envoie rien à personne d'autre.
signup-pow-noscript = Ce formulaire a besoin de JavaScript pour ce calcul. Activez JavaScript pour vous abonner.
signup-pow-missing = Votre navigateur n'a pas encore fini sa vérification. Patientez un instant, puis appuyez de nouveau sur le bouton.
signup-pow-failed = La vérification de votre navigateur n'a pas pu être acceptée : elle était trop ancienne ou déjà utilisée. Appuyez de nouveau sur le bouton pour en obtenir une nouvelle.
pow-label = Vérification qu'une personne est là
pow-verifying = Calcul en cours…
pow-verified = Vérifié
pow-error = La vérification a échoué. Veuillez réessayer.
pow-expired = La vérification a expiré. Veuillez réessayer.
pow-required = Attendez la fin de la vérification.
pow-wait = Calcul en cours, un instant s'il vous plaît.
notice-heading = À propos de vos données
notice-who = { $org } conserve votre adresse (et votre nom, si vous le donnez) pour vous envoyer { $list }, parce que vous le demandez ; elle ne sert à rien d'autre.
notice-who-at = { $org }, { $address }, conserve votre adresse (et votre nom, si vous le donnez) pour vous envoyer { $list }, parce que vous le demandez ; elle ne sert à rien d'autre.
notice-pending = Si vous ne confirmez pas, votre demande est effacée au bout de { $duration }.
notice-kept = Une fois confirmée, elle est conservée jusqu'à votre désabonnement. Une trace de la date et de la manière dont vous avez donné votre accord est conservée avec elle, comme la loi le demande.
notice-kept-reconfirm = Une fois confirmée, elle est conservée jusqu'à votre désabonnement ; au bout de { $duration }, nous vous demandons si vous souhaitez toujours la recevoir, et nous arrêtons si vous ne répondez pas. Une trace de la date et de la manière dont vous avez donné votre accord est conservée avec elle, comme la loi le demande.
notice-rights = Chaque message contient un lien vers votre page personnelle, où vous pouvez consulter et télécharger ce qui est conservé à votre sujet, vous désabonner ou vous effacer.
notice-policy = Notre politique de confidentialité
notice-policy-rest = vous dit le reste.

## Ce qu'un visiteur a saisi, refusé

email-error-empty = Veuillez saisir votre adresse e-mail.
email-error-forbidden-character = Une adresse e-mail ne peut contenir ni espace, ni retour à la ligne, ni autre caractère invisible.
email-error-missing-at = Il manque le @ dans l'adresse e-mail, par exemple nom@exemple.fr.
email-error-multiple-at = Une adresse e-mail ne contient qu'un seul @.
email-error-empty-local-part = Veuillez saisir la partie située avant le @.
email-error-non-ascii-local-part = La partie située avant le @ ne peut contenir que des caractères ASCII : les lettres accentuées ou non latines n'y sont pas acceptées.
email-error-invalid-local-part = La partie située avant le @ ne peut contenir que des lettres, des chiffres et les symboles . ! # $ % & ' * + / = ? ^ _ ` {"{"} | {"}"} ~ et -.
email-error-local-part-too-long = La partie située avant le @ est trop longue : 64 caractères au plus.
email-error-empty-domain = Veuillez saisir la partie située après le @, par exemple exemple.fr.
email-error-ip-address = Les adresses sur une adresse IP ne sont pas acceptées ; utilisez un nom de domaine, par exemple exemple.fr.
email-error-invalid-domain = La partie située après le @ n'est pas un nom de domaine valide ; utilisez-en un comme exemple.fr, fait de lettres, de chiffres et de tirets séparés par des points.
email-error-too-long = L'adresse e-mail est trop longue : 254 caractères au plus.
name-error-too-long = Le nom doit faire moins de { $max } caractères.
name-error-control = Le nom ne peut contenir ni retour à la ligne ni caractère de contrôle.
unknown-list = Cette liste n'existe pas ou n'accepte plus d'inscriptions.

## Après l'inscription

check-inbox-title = Consultez votre boîte de réception
check-inbox-sent = Nous avons envoyé un message à { $email } pour confirmer l'abonnement à { $list }.
check-inbox-within = Appuyez sur le bouton de ce message dans les { $duration }.
check-inbox-spam = Toujours rien après quelques minutes ? Regardez dans vos courriers indésirables.
check-inbox-known = Si cette adresse est déjà abonnée, rien ne change et vous n'avez rien d'autre à faire.

## La confirmation

confirm-title = Confirmez votre abonnement à { $list }
confirm-asked = Vous avez demandé à vous abonner à { $list }.
confirm-button = Confirmer mon inscription
confirm-already-title = Votre abonnement est confirmé
confirm-already-lead = Vous êtes abonné à { $list }.
confirm-already-rest = Vous n'avez rien d'autre à faire. Chaque message contient un lien de désabonnement.
confirmed-title = Abonnement confirmé
confirmed-lead = Merci ! Vous êtes maintenant abonné à { $list }.
confirmed-welcome = Un message de bienvenue arrive dans votre boîte de réception.
confirmed-leave = Chaque message contient un lien de désabonnement : vous pouvez partir quand vous le souhaitez.

## Le désabonnement

unsubscribe-title = Se désabonner de « { $list } »
unsubscribe-lead = Appuyez sur le bouton pour ne plus recevoir aucun message de « { $list } » à cette adresse.
unsubscribe-button = Me désabonner
unsubscribe-already-title = Vous êtes déjà désabonné
unsubscribe-already-lead = Cette adresse ne reçoit plus de messages de « { $list } ».
nothing-more = Vous n'avez rien d'autre à faire.
unsubscribed-title = Vous êtes désabonné
unsubscribed-lead = Vous ne recevrez plus de messages de « { $list } ».
unsubscribed-mistake = C'était une erreur ?
subscribe-again = Se réabonner

## Garder un abonnement (nouveau consentement)

keep-kept-title = Merci : votre abonnement continue
keep-kept-lead = Vous continuerez à recevoir { $list }. Votre réponse est enregistrée.
keep-ended-title = Cet abonnement a pris fin
keep-ended-lead = Cette adresse ne reçoit plus { $list } : il n'y a rien à garder.
keep-ended-again = Vous le voulez de nouveau ?
keep-title = Voulez-vous toujours recevoir { $list } ?
keep-lead = Appuyez sur le bouton pour continuer à recevoir { $list }.
keep-button = Rester abonné
keep-note = Rien ne se passe tant que vous n'avez pas appuyé sur le bouton. Sans réponse, l'abonnement prend fin au bout d'un certain temps et plus aucun message n'arrive.

## La page personnelle

me-title = Vos abonnements
me-lead = Ce qu'envoie { $org } à { $email }, et ce qui est conservé à votre sujet.
me-list = Liste
me-status = État
me-action = Action
me-status-confirmed = abonné
me-status-pending = en attente de votre confirmation
me-status-unsubscribed = non abonné
me-rejoin = Me réabonner
me-leave = Me désabonner
me-data-heading = Vos données
me-download = Télécharger la trace de votre consentement
me-download-rest = Votre relevé de consentement (JSON) contient chaque demande, confirmation et désabonnement, avec la date, la provenance et le texte que vous avez accepté.
me-erase-heading = Vous effacer
me-erase-text = Cela supprime votre adresse, vos abonnements et leur historique. Seule une empreinte chiffrée de l'adresse est conservée, pour que personne ne puisse la réinscrire en important une liste. C'est définitif.
me-erase-confirm = Je veux que mes données soient effacées
me-erase-button = Effacer mes données
me-left = C'est fait : vous avez quitté cette liste.
me-rejoin-sent = Si vous souhaitez toujours cette liste, une confirmation part vers votre adresse : appuyez sur son bouton pour vous réabonner. Rien ne change avant.
me-back = Retour à vos abonnements
me-no-such-list-title = Liste inconnue
me-no-such-list = Vous n'êtes pas inscrit à cette liste. Rien n'a été modifié.
me-by-mail = Un lien valable une heure est d'abord envoyé à votre adresse, afin que personne d'autre qu'elle, même avec une copie de nos messages, ne puisse le faire à votre place.
me-check-inbox-title = Consultez votre boîte de réception
me-record-sent = Si cette adresse peut encore recevoir nos messages, un lien vers votre relevé de consentement lui est envoyé. Ce lien fonctionne pendant une heure.
me-erase-sent = Si cette adresse peut encore recevoir nos messages, un lien pour effacer vos données lui est envoyé. Ouvrez-le dans l'heure et appuyez sur son bouton : rien n'est effacé avant.
own-link-expired = Ce lien fonctionnait pendant une heure, et cette heure est passée. Refaites la demande depuis la page de vos abonnements, par le lien en bas de chacun de nos messages.
me-erase-unticked-title = Cochez la case pour effacer vos données
me-erase-unticked = Rien n'a été effacé : la case indiquant que vous voulez effacer vos données n'était pas cochée.
me-erased-title = Vos données sont effacées
me-erased = Votre adresse, vos abonnements et leur historique sont supprimés. Vous ne recevrez plus aucun message.

## Erreurs publiques

not-found-title = Page introuvable
not-found = Il n'y a rien à cette adresse.
to-signup-page = Aller à la page d'inscription
back-to-signup = Retour au formulaire d'inscription
not-allowed-title = Requête refusée
not-allowed = Cette adresse n'accepte pas ce type de requête.
unreadable-title = Requête illisible
unreadable = L'adresse de cette page contient une valeur illisible.
server-error-title = Une erreur s'est produite
server-error = Le serveur n'a pas pu traiter votre demande. Rien n'est perdu de votre côté : réessayez dans quelques instants.
list-not-found-title = Liste introuvable
too-many-signups-title = Trop d'inscriptions
too-many-signups = Cette connexion a envoyé trop d'inscriptions en peu de temps. Patientez une minute, puis réessayez.
too-many-requests-title = Trop de requêtes à la fois
too-many-requests = Cette connexion a trop de requêtes en cours. Attendez qu'elles se terminent.
too-large-title = Trop de données
form-too-large = Le formulaire dépasse 16 Kio. Raccourcissez ce que vous avez saisi, puis réessayez.
request-too-large = Cette requête dépasse 16 Kio.
unsupported-form-title = Formulaire non pris en charge
unsupported-form = Le formulaire d'inscription accepte les données urlencoded ou multipart.
unreadable-form-title = Formulaire illisible
unreadable-form = Les données du formulaire sont illisibles. Revenez en arrière et réessayez.
form-timeout-title = Le formulaire a mis trop de temps à arriver
form-timeout = Les données du formulaire ne sont pas arrivées à temps. Revenez en arrière et réessayez.
request-timeout-title = La requête a mis trop de temps à arriver
press-again = Rien n'a été modifié. Appuyez de nouveau sur le bouton.
link-expired-title = Ce lien a expiré
link-expired = Les liens de confirmation ne sont valables qu'un temps, et celui-ci ne l'est plus. Inscrivez-vous de nouveau pour en recevoir un autre.
link-ended-title = Ce lien ne fonctionne plus
link-ended = Cette demande d'abonnement a été refusée ou a pris fin : le lien ne peut plus la confirmer. Inscrivez-vous de nouveau si vous souhaitez vous abonner.
sign-up-again = M'inscrire de nouveau
link-not-found-title = Lien introuvable
confirm-link-not-found = Ce lien de confirmation n'est pas valide. Vérifiez qu'il a été copié en entier depuis le message.
unsubscribe-link-not-found = Ce lien de désabonnement n'est pas valide. Vérifiez qu'il a été copié en entier depuis le message.
link-not-valid = Ce lien n'est pas valide. Utilisez celui du dernier message que vous avez reçu.
test-copy-title = C'était un exemplaire de test
test-copy = Ce lien vient d'un exemplaire de test d'un envoi. Dans les exemplaires que reçoivent les abonnés, c'est leur propre lien de désabonnement. Rien n'a été modifié.

## Les messages

mail-footer-why = Vous recevez ce message parce que cette adresse a été saisie dans le formulaire d'inscription de « { $list } ».
mail-footer-unsubscribe = Se désabonner :
mail-footer-preferences = Vos abonnements, et ce qui est conservé à votre sujet :
own-record-subject = Votre relevé de consentement
own-record-lead = Depuis la page de vos abonnements, vous avez demandé le relevé de ce que vous avez accepté : chaque demande, confirmation et désabonnement, avec la date et la provenance. Téléchargez-le ici :
own-record-button = Télécharger mon relevé de consentement
own-erase-subject = Effacer vos données
own-erase-lead = Depuis la page de vos abonnements, vous avez demandé l'effacement de vos données. Ouvrez cette page et appuyez sur son bouton pour les effacer :
own-erase-button = Ouvrir la page d'effacement
own-link-ttl = Ce lien fonctionne pendant { $duration }.
own-link-not-you = Si vous n'avez rien demandé, ignorez ce message : rien ne se passe sans ce lien.
mail-button-fallback = Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur :
confirmation-subject = Confirmez votre abonnement à { $list }
confirmation-press = Pour confirmer, appuyez sur le bouton ci-dessous, puis sur celui de la page qui s'ouvre.
confirmation-open = Pour confirmer, ouvrez ce lien et appuyez sur le bouton de la page :
confirmation-button = Confirmer mon inscription
confirmation-ttl = Le lien est valable { $duration }.
confirmation-not-you = Si vous n'avez rien demandé, ignorez ce message, ou utilisez le lien de désabonnement ci-dessous pour nous signaler que ce n'était pas vous. Vous ne recevrez plus rien.
welcome-subject = Bienvenue dans { $list }
welcome-confirmed = Votre abonnement est confirmé. Merci de nous avoir rejoints !
reconfirmation-subject = Voulez-vous toujours recevoir { $list } ?
reconfirmation-why = Vous avez accepté il y a quelque temps de recevoir { $list }. Nous vous reposons la question de temps en temps, pour que personne ne reçoive des messages dont il ne veut plus.
reconfirmation-open = Pour rester abonné, ouvrez ce lien et appuyez sur « Rester abonné » :
reconfirmation-button = Rester abonné
reconfirmation-grace = Sans réponse de votre part, votre abonnement prend fin dans { $duration } et vous ne recevrez plus rien.
reconfirmation-leave = Pour partir dès maintenant, utilisez le lien de désabonnement ci-dessous.
broadcast-test-subject = [Test] { $subject }
broadcast-test-note = Ceci est un exemplaire de test. Les abonnés reçoivent le même message, avec leur propre lien de désabonnement.

## La langue elle-même, comme ses locuteurs la nomment

language-name = Français

# L'espace d'administration (templates/admin/). Les messages -html sont
# insérés tels quels ; tous les autres sont du texte brut.

## Mise en page commune à toutes les pages de l'espace d'administration

admin-base-title = Administration · { $org }
admin-page-title = { $page } · { $org } · administration
admin-skip-to-content = Aller au contenu
admin-site-name = { $org } · administration
admin-signed-in-as = Connecté en tant que
admin-sign-out = Se déconnecter
admin-nav-label = Espace d'administration
admin-nav-dashboard = Tableau de bord
admin-nav-subscribers = Abonnés
admin-nav-lists = Listes
admin-nav-broadcasts = Campagnes
admin-nav-sequences = Séquences
admin-nav-import = Importer
admin-nav-audit = Journal d'audit
admin-nav-export = Exporter en CSV
admin-footer = { $org } · espace d'administration

## Mots communs à plusieurs pages

admin-form-check = Veuillez vérifier le formulaire
admin-save-changes = Enregistrer les modifications
admin-label-address = Adresse
admin-label-name = Nom
admin-label-list = Liste
admin-label-status = Statut
admin-label-kind = Type
admin-label-time = Date
admin-label-wording = Texte
admin-label-subscriptions = Abonnements
admin-label-pending = En attente
admin-label-confirmed = Confirmé
admin-label-unsubscribed = Désabonné
admin-label-sent = Envoyés
admin-label-waiting = En attente
admin-label-failed = Échecs
admin-label-skipped = Ignorés
admin-percent = { $percent } %
admin-pager = Pagination
admin-next-page = Page suivante

## Connexion

admin-login-heading = Connexion
admin-login-lead = { $org } : espace d'administration.
admin-login-failed = Connexion impossible
admin-login-email = Adresse e-mail
admin-login-password = Mot de passe
admin-login-button = Se connecter

## Tableau de bord

admin-dashboard-no-lists-html = Aucune liste pour l'instant. <a href="/admin/lists">Créer une liste</a>.
admin-dashboard-confirm-rate = Taux de confirmation
admin-dashboard-no-rate = –
admin-dashboard-activity = Activité par jour
admin-chart-title = Inscriptions, confirmations et désabonnements par jour
admin-chart-desc = Graphique en courbes. Les chiffres exacts figurent dans le tableau « Chiffres par jour » juste en dessous.
admin-chart-figures = Chiffres par jour
admin-chart-date = Date
admin-chart-signups = Inscriptions
admin-chart-confirmations = Confirmations
admin-chart-unsubscribes = Désabonnements
admin-delivery-heading = Envoi des e-mails
admin-delivery-queued = En file d'attente
admin-delivery-retrying = Nouvel essai prévu
admin-delivery-sent-today = Envoyés aujourd'hui
admin-delivery-errors = Erreurs d'envoi récentes
admin-delivery-no-errors = Aucune erreur d'envoi.
admin-delivery-attempts = Tentatives
admin-delivery-last-error = Dernière erreur
admin-delivery-next-attempt = Prochaine tentative
admin-turned-away-heading = Inscriptions refusées, 30 derniers jours
admin-turned-away-honeypot = Champ piège rempli
admin-turned-away-pow = Preuve de travail absente ou fausse
admin-turned-away-note = Rien n'a été enregistré ni envoyé pour elles. Le champ piège est invisible pour les personnes ; la preuve de travail est demandée à chaque inscription (ASSENT_POW=on).
admin-turned-away-note-pow-off = Rien n'a été enregistré ni envoyé pour elles. Le champ piège est invisible pour les personnes. La preuve de travail est désactivée ; ASSENT_POW=on la demande à chaque inscription.
admin-reconfirm-heading = Renouvellement du consentement
admin-reconfirm-due = À solliciter
admin-reconfirm-waiting = Sollicités, sans réponse
admin-reconfirm-expired = Expirés
admin-ledger-heading = Registre des consentements
admin-ledger-events = Événements
admin-ledger-last-verified = Dernière vérification
admin-ledger-not-yet = pas encore effectuée
admin-ledger-broken = La vérification de la chaîne échoue : { $problem }.
admin-ledger-broken-run-html = Exécutez <code>assent verify-ledger</code> et comparez le résultat avec une sauvegarde.
admin-ledger-intact = La chaîne était intacte lors de la dernière vérification.
admin-ledger-head = Tête de la chaîne :
admin-ledger-note = Notez régulièrement la tête de la chaîne dans un endroit où assent ne peut pas écrire (un ticket, un e-mail signé) : une chaîne qui se termine toujours par une tête que vous avez notée n'a pas été réécrite depuis.

## Abonnés : la recherche et ses résultats

admin-subscribers-find = Rechercher des abonnés
admin-subscribers-contains = L'adresse, le nom ou un champ texte contient
admin-subscribers-all-lists = Toutes les listes
admin-subscribers-any-status = Tous les statuts
admin-subscribers-search = Rechercher
admin-subscribers-results = Résultats
admin-subscribers-none = Aucun abonné ne correspond à ces critères.
admin-subscribers-created = Créé le
admin-subscribers-no-subscriptions = aucun
admin-subscribers-on-list = { $list } :

## Fiche d'un abonné

admin-subscriber-details = Informations
admin-subscriber-no-name = non renseigné
admin-subscriber-first-signup = Première inscription
admin-subscriber-proof = Preuve de consentement
admin-subscriber-download-proof = Télécharger la preuve de consentement (JSON)
admin-subscriber-no-subscriptions = Aucun abonnement.
admin-subscriber-resend = Renvoyer la demande de confirmation
admin-subscriber-unsubscribe = Désabonner de la liste { $list }
admin-subscriber-signed-up = Inscription
admin-subscriber-history = Historique du consentement
admin-subscriber-no-events = Aucun événement enregistré.
admin-subscriber-act = Acte
admin-subscriber-channel = Canal
admin-subscriber-client-address = Adresse IP
admin-subscriber-user-agent = Agent utilisateur
admin-subscriber-source = Source
admin-subscriber-no-wording = aucun texte affiché
admin-subscriber-bounces = Rebonds et plaintes
admin-subscriber-reported-by = Signalé par
admin-erase-heading = Effacer cette personne
admin-erase-lead = À utiliser lorsque la personne demande à être oubliée (article 17 du RGPD, droit à l'effacement).
admin-erase-deleted = Son adresse, son nom, ses abonnements et l'historique de son consentement sont supprimés.
admin-erase-hash = Seule une empreinte à clé de l'adresse est conservée, sur une liste d'exclusion, pour qu'un import ne puisse pas la réinscrire.
admin-erase-audit = L'effacement est consigné dans le journal d'audit, sans l'adresse.
admin-erase-final-html = <strong>Cette action est irréversible.</strong> Si vous avez besoin de la preuve de consentement, téléchargez-la d'abord.
admin-erase-confirm = Je comprends que cette action est irréversible
admin-erase-button = Effacer

## Listes

admin-lists-none = Aucune liste pour l'instant. Créez la première ci-dessous.
admin-lists-new = Nouvelle liste
admin-lists-wording-hint = La phrase que les visiteurs acceptent en s'abonnant, affichée à côté du bouton. Chaque consentement enregistre la version exacte qu'ils ont vue. Laissée vide, c'est la formulation par défaut, dans la langue de la liste.
admin-lists-create = Créer la liste
admin-list-open = ouverte
admin-list-archived = archivée
admin-list-slug = Identifiant
admin-list-slug-optional = Identifiant (facultatif)
admin-list-slug-hint = Lettres, chiffres et tirets ; déduit du nom s'il est laissé vide. Il figure dans l'adresse de la page d'inscription.
admin-list-description = Description
admin-list-description-hint = Affichée sur la page d'inscription : ce que les abonnés recevront, et à quelle fréquence.
admin-list-wording = Texte de consentement
admin-list-language = Langue
admin-list-language-hint = La langue de la page d'inscription de la liste et des messages envoyés à ses abonnés.
admin-list-signup-page = Page d'inscription
admin-list-version = version { $version }
admin-list-version-short = v{ $version }

## Une liste

admin-list-edit = Modifier la liste
admin-list-wording-hint = La phrase que les visiteurs acceptent en s'abonnant. Il s'agit de la version { $version }. La modifier crée la version { $next } ; les consentements déjà recueillis restent rattachés à la version qu'ils ont vue.
admin-list-embed = Formulaire d'inscription pour votre site
admin-list-own-page = La page d'inscription de la liste se trouve à l'adresse
admin-list-embed-caption = Pour afficher plutôt le formulaire d'inscription sur votre propre site, collez ce code HTML dans la page où il doit apparaître :
admin-list-versions = Versions du texte
admin-list-no-versions = Aucun texte enregistré pour l'instant.
admin-list-version-col = Version
admin-list-since = Depuis le
admin-list-archive-heading = Archiver la liste
admin-list-reopen-heading = Rouvrir la liste
admin-list-archive-text = L'archivage ferme la liste aux nouvelles inscriptions. Ses abonnés et l'historique de leur consentement sont conservés, et vous pourrez la rouvrir plus tard.
admin-list-archived-text = Cette liste est archivée : elle n'accepte plus de nouvelles inscriptions. La rouvrir permet à nouveau aux visiteurs de s'inscrire.
admin-list-archive = Archiver la liste
admin-list-reopen = Rouvrir la liste

## Le formulaire à coller dans un autre site, dans la langue de la liste

admin-embed-email = Adresse e-mail
admin-embed-name = Nom (facultatif)
admin-embed-button = S'abonner à { $list }

## Import

admin-import-heading = Importer des adresses
admin-import-not-started = L'import n'a pas démarré
admin-import-upload = Importer un fichier CSV
admin-import-point-lines-html = Une adresse par ligne. Une ligne d'en-tête <code>email</code> est ignorée. Une deuxième colonne, facultative, contient le nom de l'abonné.
admin-import-point-pending-html = Chaque nouvelle adresse passe <strong>en attente</strong> et reçoit une demande de confirmation, envoyée à un rythme modéré. Personne n'est abonné tant qu'il n'a pas appuyé sur le bouton de ce message.
admin-import-point-report = Les adresses invalides, les doublons et les personnes effacées sont signalés ligne par ligne et ne modifient rien.
admin-import-no-lists-html = Il n'y a encore aucune liste dans laquelle importer. <a href="/admin/lists">Créez d'abord une liste</a>.
admin-import-file = Fichier CSV
admin-import-file-hint-html = Une ligne se présente ainsi : <code>ada@example.com,Ada Lovelace</code>.
admin-import-start = Lancer l'import
admin-import-recent = Imports récents
admin-import-none = Aucun import pour l'instant.
admin-import-started = Démarré le
admin-import-lines = Lignes
admin-import-added = Ajoutées
admin-import-into = Import dans { $list }
admin-import-started-at = Démarré le { $date }
admin-import-in-progress = En cours
admin-import-progress = Traitement : { $processed } sur { $lines }
admin-import-line-count = { $count ->
    [one] { $count } ligne
   *[other] { $count } lignes
}
admin-import-refreshes = Cette page s'actualise toutes les deux secondes. Vous pouvez la quitter : l'import se poursuit sans elle.
admin-import-failed = L'import a échoué
admin-import-done = Terminé
admin-import-pending-note = Chaque adresse ajoutée reste en attente jusqu'à ce que son titulaire appuie sur le bouton de la demande de confirmation.
admin-import-report = Rapport
admin-import-all-imported = Toutes les lignes ont été importées.
admin-import-back = Retour aux imports

## Journal d'audit

admin-audit-lead = Les actions des opérateurs dans cet espace.
admin-audit-none = Rien n'a encore été enregistré.
admin-audit-entries = Entrées du journal d'audit
admin-audit-operator = Opérateur
admin-audit-action = Action
admin-audit-target = Cible
admin-audit-detail = Détail

## Campagnes

admin-broadcast-write = Rédiger une campagne
admin-broadcasts-none = Aucune campagne pour l'instant.
admin-broadcast-subject = Objet
admin-broadcast-recipients = Destinataires
admin-broadcast-written = Rédigée le
admin-broadcast-new = Nouvelle campagne
admin-broadcast-no-lists-html = Il n'y a encore aucune liste à qui écrire. <a href="/admin/lists">Créez d'abord une liste</a>.
admin-broadcast-message = Le message
admin-broadcast-save-draft = Enregistrer le brouillon
admin-broadcast-draft-note = Un brouillon n'est envoyé à personne. Sur sa page, vous pouvez le prévisualiser, vous envoyer un e-mail de test, puis l'envoyer.
admin-broadcast-body = Message
admin-broadcast-body-hint-html = Markdown : <code># Titre</code>, <code>*mise en valeur*</code>, <code>[un lien](https://example.com)</code>, listes. Le HTML est autorisé ; les scripts et les gestionnaires d'événements sont supprimés. <code>{"{{"} subscriber.name | default("lecteur") {"}}"}</code> écrit le nom de chaque lecteur, <code>{"{{"} subscriber.fields.CLÉ {"}}"}</code> l'un de ses champs. Chaque e-mail se termine par le pied de page de la liste et par le lien de désabonnement propre à son destinataire.
admin-broadcast-to-list = Liste { $list } :
admin-broadcast-progress = { $percent } % traités
admin-broadcast-scheduled-for = Programmée pour le
admin-broadcast-started = Démarrée le
admin-broadcast-finished = Terminée le
admin-broadcast-refreshes = Cette page s'actualise toutes les trois secondes.
admin-broadcast-recipients-note = Les destinataires sont les abonnés confirmés au moment où l'envoi a commencé. Les e-mails ignorés n'ont pas été envoyés parce que, au moment prévu, leur destinataire s'était désabonné ou son adresse avait rebondi.
admin-broadcast-send-at = Date d'envoi ({ $zone }, facultatif)
admin-broadcast-send-at-hint = Laissez vide pour envoyer maintenant.
admin-broadcast-send = { $count ->
    [one] Envoyer à { $count } abonné
   *[other] Envoyer à { $count } abonnés
}
admin-broadcast-pause = Mettre en pause
admin-broadcast-resume = Reprendre
admin-broadcast-cancel = Annuler la campagne
admin-broadcast-test-heading = Envoyer un e-mail de test
admin-broadcast-test-to = Destinataire
admin-broadcast-test-button = Envoyer un e-mail de test
admin-broadcast-test-note-html = L'objet commence par <code>[Test]</code> ; la campagne elle-même reste inchangée.
admin-broadcast-html-part = Version HTML
admin-broadcast-text-part = Version texte
admin-broadcast-edit = Modifier le brouillon
admin-broadcast-save = Enregistrer

## Les codes enregistrés, en mots (Site::admin_word) : statuts d'abonnement

admin-status-pending = en attente
admin-status-confirmed = confirmé
admin-status-unsubscribed = désabonné

## Statuts d'import

admin-import-status-uploading = chargement
admin-import-status-running = en cours
admin-import-status-done = terminé
admin-import-status-failed = échoué

## Statuts de campagne

admin-broadcast-draft = brouillon
admin-broadcast-scheduled = programmée
admin-broadcast-sending = en cours d'envoi
admin-broadcast-paused = en pause
admin-broadcast-sent = envoyée
admin-broadcast-cancelled = annulée

## Types de message, dans les erreurs d'envoi

admin-kind-confirmation = Demande de confirmation
admin-kind-welcome = Message de bienvenue
admin-kind-broadcast = E-mail de campagne
admin-kind-broadcast-test = E-mail de test d'une campagne
admin-kind-reconfirmation = Demande de renouvellement du consentement

## Actes de l'historique du consentement

admin-act-requested = Demande d'inscription
admin-act-confirmed = Confirmation
admin-act-declined = Refus
admin-act-unsubscribed = Désabonnement
admin-act-confirmation-resent = Confirmation renvoyée
admin-act-reconfirmed = Consentement renouvelé

## Canaux de l'historique du consentement

admin-channel-form = Formulaire d'inscription
admin-channel-api = API
admin-channel-confirm-button = Bouton de confirmation
admin-channel-one-click = Désabonnement en un clic
admin-channel-unsubscribe-page = Page de désabonnement
admin-channel-operator = Opérateur
admin-channel-import = Import
admin-channel-bounce = Rebond
admin-channel-complaint = Plainte pour spam
admin-channel-expiry = Sans réponse dans le délai
admin-channel-preferences = Page personnelle de l'abonné
admin-channel-reconfirm-button = Bouton « Rester abonné »

## Rebonds et plaintes

admin-bounce-hard = Rebond définitif
admin-bounce-soft = Rebond temporaire
admin-bounce-complaint = Plainte pour spam

## Actions du journal d'audit

admin-action-login = Connexion
admin-action-logout = Déconnexion
admin-action-create-list = Liste créée
admin-action-edit-list = Liste modifiée
admin-action-archive-list = Liste archivée
admin-action-reopen-list = Liste rouverte
admin-action-create-broadcast = Campagne créée
admin-action-edit-broadcast = Campagne modifiée
admin-action-test-broadcast = E-mail de test envoyé
admin-action-send-broadcast = Envoi de la campagne lancé
admin-action-pause-broadcast = Campagne mise en pause
admin-action-resume-broadcast = Campagne reprise
admin-action-cancel-broadcast = Campagne annulée
admin-action-export = Export CSV des abonnés
admin-action-consent-export = Preuve de consentement téléchargée
admin-action-resend-confirmation = Demande de confirmation renvoyée
admin-action-unsubscribe = Désabonnement par un opérateur
admin-action-erase = Personne effacée
admin-action-import = Import lancé
admin-action-import-finished = Import terminé
admin-action-retention = Conservation et renouvellement du consentement

## L'espace des opérateurs : réponses de ses formulaires et de ses actions

warning-heading = Avant d'envoyer pour de bon
warning-plain-http = Le courrier part vers un relais, mais ASSENT_BASE_URL n'est pas en https : Gmail et Yahoo n'offriront pas le désabonnement en un clic (RFC 8058). Servez assent en https et donnez cette adresse à ASSENT_BASE_URL.
warning-localhost-sender = Le courrier part vers un relais depuis une adresse en localhost (ASSENT_MAIL_FROM) : les fournisseurs le refuseront ou le classeront en indésirable. Donnez à l'expéditeur une adresse de votre propre domaine, dans les réglages ou ASSENT_MAIL_FROM.
warning-files-only = ASSENT_SMTP_URL n'est pas défini : le courrier est seulement écrit en fichiers dans ASSENT_MAIL_DIR, et personne ne le reçoit.
admin-form-too-large-title = Trop de contenu à envoyer
admin-form-too-large = Ce formulaire dépasse 1 Mio, plus que ce qu'assent accepte en un formulaire : rien n'a été modifié. Raccourcissez le texte et envoyez-le de nouveau.
admin-form-unreadable-title = Formulaire illisible
admin-form-unreadable = Ce formulaire n'a pas pu être lu : rien n'a été modifié. Revenez en arrière, rechargez la page et réessayez.
admin-form-expired-title = Formulaire expiré
admin-form-expired = Ce formulaire n'a pas été envoyé depuis une page de cette session : rien n'a été modifié. Revenez en arrière, rechargez la page et réessayez.
admin-back-to-dashboard = Retour au tableau de bord
admin-not-found-title = Page introuvable
admin-not-found = Il n'y a rien à cette adresse.

admin-login-error = Cette adresse et ce mot de passe ne correspondent à aucun compte opérateur.
admin-login-throttled-title = Trop de tentatives de connexion
admin-login-throttled = La connexion est suspendue pour ce compte ou cette connexion après trop de tentatives infructueuses. Veuillez réessayer plus tard.
admin-login-busy-title = Trop de connexions simultanées
admin-login-busy = Le serveur vérifie beaucoup de mots de passe en ce moment. Veuillez réessayer dans un instant.

admin-ledger-problem = événement { $event } : { $problem }

admin-list-error-name = Donnez à la liste un nom d'au plus 100 caractères, sur une seule ligne.
admin-list-error-description = La description ne doit pas dépasser 1000 caractères.
admin-list-error-wording = Rédigez la phrase que les visiteurs acceptent, en 2000 caractères au plus.
admin-list-error-language = Choisissez l'une des langues proposées.
admin-list-error-slug = Utilisez des minuscules, des chiffres et des tirets, par exemple lettre-mensuelle.
admin-list-error-slug-taken = Une autre liste utilise déjà cet identifiant.
admin-list-flash-created = La liste a été créée.
admin-list-flash-saved = Les modifications ont été enregistrées.
admin-list-flash-archived = La liste est archivée : sa page d'inscription n'accepte plus d'inscriptions.
admin-list-flash-reopened = La liste accepte de nouveau les inscriptions.

admin-subscriber-flash-resent = La demande de confirmation a été remise en file d'envoi.
admin-subscriber-flash-ended = L'abonnement a pris fin.
admin-subscriber-flash-unchanged = Rien n'a changé : l'abonnement n'est pas dans un état auquel cette action s'applique.

admin-broadcast-error-subject = Rédigez un objet d'au plus 200 caractères, sur une seule ligne.
admin-broadcast-error-body = Rédigez le message, 200 Ko au plus.
admin-broadcast-error-list = Choisissez une liste qui accepte les inscriptions.
admin-broadcast-error-variable = Le message nomme { $name }, qu'une campagne n'a pas. Il peut nommer subscriber.name et subscriber.fields.CLÉ pour chacun de vos champs.
admin-broadcast-error-template = Les variables du message ne se lisent pas, ligne { $line } : { $detail }
admin-broadcast-error-at = Indiquez une heure comme 2026-12-24T08:00, ou laissez le champ vide.
admin-broadcast-error-past = Cette heure est passée. Laissez le champ vide pour envoyer maintenant, ou indiquez une heure à venir.
admin-broadcast-flash-created = Le brouillon a été enregistré. Personne ne le recevra tant que vous ne l'aurez pas envoyé.
admin-broadcast-flash-saved = Les modifications ont été enregistrées.
admin-broadcast-flash-tested = Un exemplaire de test est en route.
admin-broadcast-flash-started = L'envoi a commencé.
admin-broadcast-flash-scheduled = L'envoi est programmé.
admin-broadcast-flash-paused = En pause : plus aucun exemplaire ne part tant que vous n'avez pas repris l'envoi.
admin-broadcast-flash-resumed = L'envoi a repris.
admin-broadcast-flash-cancelled = Annulé : les exemplaires pas encore envoyés ne partiront pas.
admin-broadcast-flash-unchanged = Rien n'a changé : l'envoi n'est pas dans un état auquel cette action s'applique.
admin-broadcast-not-draft-title = L'envoi a commencé
admin-broadcast-not-draft = Un envoi ne peut être modifié que tant qu'il est à l'état de brouillon. Rien n'a été modifié.
admin-broadcast-send-heading = Envoyer
admin-broadcast-review = Voir les destinataires…
admin-broadcast-clone = Faire une copie
admin-broadcast-danger = Annuler ou supprimer
admin-broadcast-cancel-note = Annuler arrête les e-mails pas encore envoyés ; ceux déjà partis le restent. C'est définitif.
admin-broadcast-delete-note = Supprimer efface ce brouillon pour de bon. Personne ne l'a reçu.
admin-broadcast-delete = Supprimer le brouillon
admin-broadcast-flash-cloned = Voici un nouveau brouillon, copié de la campagne. Personne ne le reçoit avant que vous l'envoyiez.
admin-broadcast-flash-deleted = Le brouillon a été supprimé.
admin-broadcast-confirm-title = Vérifier avant d'envoyer
admin-broadcast-confirm-count = { $count ->
    [one] Cette campagne part à { $count } abonné
   *[other] Cette campagne part à { $count } abonnés
}
admin-broadcast-confirm-when = Quand
admin-broadcast-confirm-now = Maintenant
admin-broadcast-confirm-first = Les premiers destinataires
admin-broadcast-confirm-schedule = La programmer
admin-broadcast-confirm-back = Revenir au brouillon
admin-broadcast-retry = { $count ->
    [one] Renvoyer l'e-mail en échec
   *[other] Renvoyer les { $count } e-mails en échec
}
admin-broadcast-flash-retried = Les e-mails en échec repartent, une seule fois. Ceux que le serveur du destinataire a refusés ne repartent pas.
admin-broadcast-public = La montrer dans les archives publiques une fois envoyée
admin-broadcast-public-hint-html = Les <a href="/archive">archives</a> et leur flux Atom montrent le message tel qu'écrit, sans le nom ni les liens d'aucun destinataire.
admin-broadcast-preview-note = L'aperçu suit votre saisie ; sans script, il montre ce que vous avez enregistré en dernier. Le nom et les champs de chaque lecteur paraissent ici à leur valeur par défaut.
admin-broadcast-lists = Listes
admin-broadcast-lists-hint = Une ou plusieurs : maintenez Ctrl (⌘ sur un Mac) pour en choisir plusieurs. Une personne inscrite à plusieurs d'entre elles reçoit un seul e-mail, dont le lien de désabonnement la retire de toutes. Les e-mails prennent la langue et le nom de la première liste.
admin-broadcast-segment = Seulement le segment
admin-broadcast-segment-none = Tous les inscrits de ces listes
admin-broadcast-error-segment = Choisissez un segment qui existe, ou tous les inscrits.
admin-broadcast-back = Retour à l'envoi

admin-import-busy-title = Trop d'imports simultanés
admin-import-busy = D'autres imports sont en cours de téléversement. Veuillez réessayer dans une minute.
admin-import-error-list = Choisissez une liste qui accepte les inscriptions.
admin-import-error-unreadable = Le fichier envoyé n'a pas pu être lu. Choisissez-le de nouveau et réessayez.
admin-import-error-not-utf8 = Le fichier n'est pas un texte UTF-8. Enregistrez-le au format CSV UTF-8.
admin-import-error-too-large = Le fichier dépasse 64 Mio. Découpez-le en fichiers plus petits.
admin-import-error-line-too-long = La ligne { $line } dépasse 4 Kio : ce fichier ne ressemble pas à une liste d'adresses.
admin-import-error-empty = Le fichier ne contient aucune adresse.
admin-import-problem = ligne { $line } : { $reason }
admin-import-problem-address = adresse invalide : { $reason }
admin-import-problem-on-list = déjà inscrite sur la liste
admin-import-problem-field = field.{ $field } : { $reason }
admin-import-problem-duplicate = doublon de la ligne { $line }
admin-import-problem-suppressed = effacée auparavant : elle ne peut pas être importée de nouveau
admin-import-more-skipped = { $count ->
    [one] … et { $count } autre ligne ignorée
   *[other] … et { $count } autres lignes ignorées
}

## Webhooks

admin-nav-webhooks = Webhooks
admin-webhooks-lead = Les événements des abonnements sont envoyés, signés, à
admin-webhooks-off = Aucun destinataire n'est configuré : définissez ASSENT_WEBHOOK_URL et ASSENT_WEBHOOK_SECRET pour que les événements des abonnements soient envoyés à un autre système.
admin-webhooks-none = Aucun événement pour l'instant.
admin-webhooks-recent = Derniers événements
admin-webhooks-event = Événement
admin-webhooks-status = Remise
admin-webhooks-attempts = Tentatives échouées
admin-webhooks-last-error = Dernière erreur
admin-webhook-queued = en attente
admin-webhook-done = remis
admin-webhook-failed = abandonné

## Jetons d'API

admin-nav-tokens = Jetons d'API
admin-tokens-lead-html = Les scripts lisent les abonnés et les listes, et effacent des personnes, par <code>/api/v1</code> avec <code>Authorization: Bearer JETON</code>. Créez un jeton avec <code>assent admin token create NOM</code> : il n'est affiché qu'une fois, et seule son empreinte est conservée. Chaque utilisation figure au journal d'audit sous son nom.
admin-tokens-none = Aucun jeton pour l'instant.
admin-tokens-created = Créé
admin-tokens-last-used = Dernière utilisation
admin-tokens-never = jamais
admin-tokens-revoked-at = révoqué le { $date }
admin-tokens-revoke = Révoquer
admin-tokens-flash-revoked = Le jeton a été révoqué : il n'ouvre plus l'API.
admin-tokens-flash-unchanged = Rien n'a changé : aucun jeton actif ne porte ce nom.
admin-action-create-token = Jeton d'API créé
admin-action-revoke-token = Jeton d'API révoqué
admin-action-api-list-subscribers = API : abonnés listés
admin-action-api-read-subscriber = API : abonné consulté
admin-action-api-list-lists = API : listes consultées

## Le champ piège du formulaire d'inscription, que les personnes ne voient pas

signup-website = Laissez ce champ vide

## Réglages (contrat §15)
admin-nav-settings = Réglages
admin-settings-lead = Ce qui est dit aux personnes et combien de temps les choses sont gardées. Un changement vaut pour la page et le message suivants de chaque processus en quelques secondes, et le journal d'audit garde l'ancienne et la nouvelle valeur.
admin-settings-heading = Organisation, expéditeur et délais
admin-settings-save = Enregistrer les réglages
admin-settings-now = Actuellement : { $value }.
admin-settings-off = désactivé
admin-settings-saved = Réglages enregistrés : ils s'appliquent dès maintenant.
admin-settings-locked = Fixé par { $variable } dans l'environnement, qui l'emporte sur cette page : changez-le là.
admin-setting-org-name-label = Organisation
admin-setting-org-name-hint = Qui collecte les adresses et envoie le courrier : nommée sur chaque formulaire, page et message.
admin-setting-org-name-error = Indiquez le nom de l'organisation, en 200 caractères au plus.
admin-setting-org-address-label = Adresse postale
admin-setting-org-address-hint = Écrite au pied de chaque message, comme le veut le droit de la prospection.
admin-setting-org-address-error = L'adresse doit tenir en 500 caractères.
admin-setting-privacy-url-label = Politique de confidentialité
admin-setting-privacy-url-hint = L'adresse de la politique complète, en lien depuis le formulaire ; laissez vide s'il n'y en a pas.
admin-setting-privacy-url-error = Indiquez une adresse qui commence par https:// ou http://, ou laissez vide.
admin-setting-mail-from-label = Expéditeur
admin-setting-mail-from-hint = Le From de chaque message, par exemple : Nouvelles <nouvelles@example.com>
admin-setting-mail-from-error = Indiquez une boîte aux lettres telle que Nouvelles <nouvelles@example.com>.
admin-setting-default-lang-label = Langue par défaut
admin-setting-default-lang-hint = en ou fr : la langue des pages qui ne relèvent d'aucune liste.
admin-setting-default-lang-error = Indiquez en ou fr.
admin-setting-pending-retention-label = Demandes non confirmées gardées
admin-setting-pending-retention-hint = Une durée telle que 30d ou 48h ; 0 les garde.
admin-setting-pending-retention-error = Indiquez une durée telle que 30d ou 48h, ou 0.
admin-setting-reconfirm-after-label = Consentement redemandé après
admin-setting-reconfirm-after-hint = Une durée telle que 1095d (trois ans) ; 0 ne le redemande jamais.
admin-setting-reconfirm-after-error = Indiquez une durée telle que 1095d, ou 0.
admin-setting-reconfirm-grace-label = Réponse attendue pendant
admin-setting-reconfirm-grace-hint = Combien de temps une demande de reconfirmation attend avant que l'abonnement ne prenne fin, par exemple 30d ; 0 attend indéfiniment.
admin-setting-reconfirm-grace-error = Indiquez une durée telle que 30d, ou 0.
admin-setting-send-rate-label = Envois groupés, par seconde
admin-setting-send-rate-hint = Exemplaires des diffusions, demandes de confirmation d'un import et demandes de reconfirmation ensemble, pour tous les processus ; 0 sans limite. Le courrier qu'une personne attend n'est jamais retenu.
admin-setting-send-rate-error = Indiquez un nombre entier, ou 0 sans limite.
admin-setting-signup-rate-label = Inscriptions par minute, par client
admin-setting-signup-rate-hint = Depuis une même adresse de client (un client IPv6 par son /64), par le formulaire et l'API ensemble ; 0 sans limite.
admin-setting-signup-rate-error = Indiquez un nombre entier, ou 0 sans limite.
admin-setting-pow-label = Preuve de travail
admin-setting-pow-hint = on : le navigateur résout un petit calcul avant qu'une inscription soit prise, ce qui coûte bien plus à un robot qu'à une personne ; off : pas de calcul.
admin-setting-pow-error = Indiquez on ou off.
admin-setting-reply-to-label = Réponses à
admin-setting-reply-to-hint = Où va une réponse à un message, si ce n'est à l'expéditeur, par exemple : Accueil <accueil@example.com> ; laissez vide pour l'expéditeur.
admin-setting-reply-to-error = Indiquez une boîte aux lettres telle que Accueil <accueil@example.com>, ou laissez vide.
admin-setting-timezone-label = Fuseau horaire
admin-setting-timezone-hint = Le nom IANA du fuseau dans lequel l'espace des opérateurs affiche et lit les heures, par exemple Europe/Paris ou America/New_York ; UTC par défaut.
admin-setting-timezone-error = Indiquez un fuseau IANA tel que Europe/Paris, ou UTC.

## Modèles de messages (contrat §15)
admin-nav-templates = Modèles
admin-templates-lead = Le texte des messages qu'envoie assent, dans chaque langue. Un modèle doit garder le lien de désabonnement dans ses deux parties ; assent écrit lui-même les en-têtes de désabonnement.
admin-templates-heading = Messages
admin-template-message = Message
admin-template-language = Langue
admin-template-state = Version
admin-template-kind-confirmation = Demande de confirmation
admin-template-kind-welcome = Bienvenue
admin-template-kind-reconfirmation = Demande de reconfirmation
admin-template-kind-broadcast = Mise en page des campagnes
admin-template-edited = Modifié le { $time } par { $operator }
admin-template-builtin = Intégré
admin-template-is-edited = Ce message utilise un modèle modifié par un opérateur.
admin-template-is-builtin = Ce message utilise le modèle intégré d'assent.
admin-template-edit = Modifier le modèle
admin-template-refused = Ce modèle ne peut pas être enregistré
admin-template-subject = Objet
admin-template-subject-broadcast = La mise en page des campagnes n'a pas d'objet propre : chaque exemplaire prend l'objet de sa campagne.
admin-template-html = Partie HTML
admin-template-text = Partie texte
admin-template-save = Enregistrer le modèle
admin-template-preview = Prévisualiser sans enregistrer
admin-template-variables = Variables
admin-template-variables-note = Les valeurs sont échappées dans la partie HTML. Utilisez {"{%"} if {"%}"} et {"{%"} for {"%}"} comme dans Jinja ; un modèle ne peut ni en inclure un autre ni lire de fichiers.
admin-template-preview-heading = Aperçu avec des données d'exemple
admin-template-versions = Versions
admin-template-no-versions = Jamais modifié : le modèle intégré est en vigueur.
admin-template-restore = Rétablir
admin-template-version-edited = Modifié
admin-template-in-force = en vigueur
admin-template-reset-note = Le modèle intégré revient ; cette version reste dans la liste et peut être rétablie.
admin-template-reset = Revenir au modèle intégré
admin-template-saved = Modèle enregistré : le prochain message l'utilise.
admin-template-restored = Version rétablie : le prochain message l'utilise.
admin-template-reset-done = Le modèle intégré est de nouveau en vigueur.
admin-template-problem-syntax = ligne { $line } : { $detail }
admin-template-problem-unknown = ce message n'a pas de variable { $variable }.
admin-template-problem-unsubscribe = le lien de désabonnement {"{{"} unsubscribe_url {"}}"} manque. Chaque message doit le porter.
admin-template-problem-missing = { $variable } manque : ce message existe pour le porter.
admin-template-problem-includes = un modèle ne peut ni en inclure ni en étendre un autre.
admin-template-problem-endless = il fait bien plus de travail qu'un message n'en demande (une boucle sans fin ?).
admin-template-problem-fails = il échoue au rendu : { $detail }
template-sample-list = Lettre d'information
template-sample-subject = Les nouvelles du mois
template-sample-body = Le corps de chaque campagne vient **ici**, écrit en Markdown.
template-sample-name = Ada Lovelace

## Champs des abonnés (contrat §16)
admin-nav-fields = Champs
admin-fields-lead = Ce que vous voulez savoir de vos abonnés au-delà de leur adresse : demandé sur les formulaires des listes choisies et par l'API, affiché sur la page de chaque abonné et sur la sienne, exporté avec lui.
admin-fields-heading = Champs
admin-fields-none = Aucun champ pour l'instant.
admin-field-key = Clé
admin-field-label = Libellé
admin-field-kind = Type
admin-field-required = Obligatoire
admin-field-lists = Demandé sur
admin-field-kind-text = Texte
admin-field-kind-number = Nombre
admin-field-kind-date = Date
admin-field-kind-choice = Choix
admin-field-kind-yes_no = Oui ou non
admin-yes = Oui
admin-no = Non
admin-field-edit-title = Champ { $key }
admin-field-change = Modifier le champ
admin-field-new = Un nouveau champ
admin-field-key-hint = Lettres minuscules, chiffres et _, en commençant par une lettre : le champ du formulaire s'appelle field.CLÉ. Elle ne peut plus changer ensuite.
admin-field-label-in = Libellé en { $language }
admin-field-options = Options
admin-field-options-hint = Pour un choix : une option par ligne.
admin-field-required-label = Une inscription doit le renseigner
admin-field-lists-legend = Demandé sur les formulaires de
admin-field-save = Enregistrer le champ
admin-field-create = Ajouter le champ
admin-field-saved = Champ enregistré : les formulaires le demandent désormais.
admin-field-key-error = Indiquez une clé faite de lettres minuscules, de chiffres et de _, commençant par une lettre, de 40 caractères au plus.
admin-field-key-taken = Un autre champ a déjà cette clé.
admin-field-kind-error = Choisissez un type.
admin-field-label-error = Indiquez un libellé de 100 caractères au plus dans au moins une langue.
admin-field-options-error = Un choix demande au moins une option.
field-error-missing = Veuillez renseigner ce champ.
field-error-too-long = Ce texte dépasse 200 caractères.
field-error-number = Saisissez un nombre, par exemple 42 ou 4,5.
field-error-date = Saisissez une date au format AAAA-MM-JJ, par exemple 2026-03-31.
field-error-choice = Choisissez l'une des options.
field-error-yes-no = Répondez oui ou non.
admin-subscriber-save-fields = Enregistrer les champs
admin-subscriber-flash-fields = Champs enregistrés.
me-fields-heading = Ce que vous nous avez indiqué
me-fields-save = Enregistrer
me-fields-saved = Enregistré.

## Subscriber list: totals, pages and actions on many (§16)
admin-label-segment = Segment
admin-subscribers-no-segment = Aucun segment
admin-subscribers-total = { $count ->
    [one] 1 abonné
   *[other] { $count } abonnés
}
admin-subscribers-total-over = Plus de 10 000 abonnés
admin-subscribers-export = Exporter ceux-ci en CSV
admin-subscribers-select = Sélection
admin-subscribers-select-one = Sélectionner { $address }
admin-previous-page = Page précédente
admin-bulk-heading = Agir sur plusieurs
admin-bulk-scope = Qui
admin-bulk-selected = Les abonnés cochés ci-dessus
admin-bulk-all = Tous ceux que le filtre retient ({ $total })
admin-bulk-action = Action
admin-bulk-unsubscribe = Désinscrire de la liste
admin-bulk-invite = Inviter sur la liste (envoie une demande de confirmation)
admin-bulk-erase = Effacer définitivement
admin-bulk-list = Liste
admin-bulk-list-hint = Pour désinscrire et inviter. Une invitation n'inscrit personne : chacun reçoit une demande de confirmation et ne rejoint la liste qu'en confirmant.
admin-bulk-erase-confirm = Je comprends qu'effacer supprime ces personnes et leur historique de consentement, sans retour possible
admin-bulk-apply = Appliquer
admin-bulk-none-selected = Cochez au moins un abonné, ou choisissez tous ceux que le filtre retient.
admin-bulk-erase-unconfirmed = Pour effacer, cochez la case ci-dessous.
admin-bulk-done = { $action ->
    [unsubscribe] Désinscrits : { $done } ; inchangés : { $unchanged }.
    [invite] Invités : { $done } ; déjà sur la liste ou à ne pas écrire : { $unchanged }.
   *[erase] Effacés : { $done }.
}
admin-bulk-running = Traitement de tous ceux que le filtre retient ({ $done } jusqu'ici). Rechargez la page pour suivre l'avancement.
admin-bulk-finished = Terminé pour tous ceux que le filtre retient : { $done } modifiés, { $unchanged } inchangés.

## Segments (§16)
admin-nav-segments = Segments
admin-segments-lead = Un segment choisit des personnes selon leurs listes, leurs champs, des dates, leur langue et leur historique. Il est relu à chaque usage.
admin-segments-heading = Segments enregistrés
admin-segments-none = Aucun segment pour l'instant.
admin-segment-summary-all = { $count ->
    [one] 1 condition
   *[other] toutes les { $count } conditions
}
admin-segment-summary-any = { $count ->
    [one] 1 condition
   *[other] l'une des { $count } conditions
}
admin-segment-count = { $count ->
    [one] 1 abonné correspond maintenant
   *[other] { $count } abonnés correspondent maintenant
}
admin-segment-counting = Décompte en cours : { $count } jusqu'ici, { $percent } % des abonnés lus. Rechargez pour la suite.
admin-segment-broken = { $count ->
    [one] 1 condition ne se lit plus et est laissée de côté.
   *[other] { $count } conditions ne se lisent plus et sont laissées de côté.
}
admin-segment-open-list = Les ouvrir dans la liste des abonnés
admin-segment-new = Nouveau segment
admin-segment-change = Modifier le segment
admin-segment-name = Nom
admin-segment-match = Les personnes qui remplissent
admin-segment-match-all = toutes les conditions
admin-segment-match-any = l'une des conditions
admin-segment-conditions = Conditions
admin-segment-conditions-hint = Une liste prend confirmed, pending, unsubscribed ou any ; une date s'écrit AAAA-MM-JJ (UTC) ; rebond et plainte prennent yes ou no ; un canal est form, api, import ou operator. Laissez vide le premier choix d'une ligne pour l'ôter.
admin-segment-condition-n = Condition { $n }
admin-segment-what = Porte sur
admin-segment-what-none = (pas de condition)
admin-segment-op = Test
admin-segment-value = Valeur
admin-segment-group-lists = Sur la liste
admin-segment-group-fields = Champs
admin-segment-group-person = La personne
admin-segment-what-signed_up = Inscription
admin-segment-what-confirmed = Confirmation d'un abonnement
admin-segment-what-language = Langue d'une liste
admin-segment-what-channel = Demande d'inscription par
admin-segment-what-bounced = Rebond définitif enregistré
admin-segment-what-complained = Plainte enregistrée
admin-segment-op-is = est
admin-segment-op-is_not = n'est pas
admin-segment-op-contains = contient
admin-segment-op-lt = est inférieur à
admin-segment-op-gt = est supérieur à
admin-segment-op-before = avant
admin-segment-op-after = après
admin-segment-op-empty = est vide
admin-segment-save = Enregistrer le segment
admin-segment-create = Créer le segment
admin-segment-saved = Le segment est enregistré.
admin-segment-deleted = Le segment est supprimé.
admin-segment-delete-heading = Supprimer
admin-segment-delete = Supprimer le segment
admin-segment-name-error = Donnez au segment un nom d'au plus 100 caractères.
admin-segment-match-error = Choisissez toutes ou l'une.
admin-segment-too-many = Un segment compte au plus { $count } conditions.
segment-error-what = Condition { $n } : cette liste, ce champ ou cette propriété n'existe pas.
segment-error-op = Condition { $n } : ce test ne s'applique pas à ce qu'elle regarde.
segment-error-value = Condition { $n } : cette valeur ne convient pas au test.

## The public archive of broadcasts
archive-title = Archives
archive-of-list = Archives de la liste { $list }
archive-all-lists = Toutes les listes
archive-empty = Rien n'a encore été publié ici.
archive-feed = Suivre avec un lecteur de flux (Atom)
archive-feed-title = { $org } : archives
archive-not-found = Ce numéro n'existe pas dans les archives.

## Media: images for broadcasts
admin-nav-media = Images
admin-media-upload = Envoyer une image
admin-media-file = Image
admin-media-file-hint = PNG, JPEG, GIF ou WebP, 5 Mo au plus.
admin-media-upload-button = Envoyer
admin-media-images = Images
admin-media-none = Aucune image pour l'instant.
admin-media-use-html = Copiez la ligne d'une image dans le message d'une campagne, là où elle doit paraître. Son adresse ne change jamais : les logiciels de messagerie peuvent la garder.
admin-media-size = { $kb } Ko
admin-media-markdown = Markdown
admin-media-delete = Supprimer
admin-media-not-stored = L'image n'a pas été enregistrée
admin-media-error-type = Ce fichier n'est pas une image PNG, JPEG, GIF ou WebP.
admin-media-error-too-large = Ce fichier dépasse 5 Mo.
admin-media-error-unreadable = L'envoi n'a pas pu être lu. Choisissez de nouveau le fichier.
admin-media-flash-uploaded = L'image est enregistrée.
admin-media-flash-deleted = L'image a été supprimée. Les messages et pages d'archives qui la montraient ne la montrent plus.

## The delivery record
admin-nav-deliveries = Envois
admin-deliveries-lead = Chaque message traité par assent, du plus récent au plus ancien, avec la dernière réponse du relais. La trace d'un message est gardée { $days } jours une fois qu'il est traité (ASSENT_DELIVERY_LOG_RETENTION).
admin-deliveries-q = Adresse
admin-deliveries-any = Tous
admin-deliveries-broadcast = Numéro de campagne
admin-deliveries-filter = Filtrer
admin-deliveries-find = Chercher des messages
admin-deliveries-messages = Messages
admin-deliveries-none = Aucun message.
admin-deliveries-older = Messages plus anciens
admin-deliveries-when = Quand
admin-deliveries-kind = Type
admin-deliveries-recipient = Destinataire
admin-deliveries-attempts = Tentatives
admin-deliveries-relay = Relais
admin-deliveries-reply = Dernière réponse
admin-deliveries-unknown-status = Choisissez un état dans la liste.
admin-deliveries-unknown-kind = Choisissez un type dans la liste.
admin-deliveries-unknown-broadcast = Une campagne se désigne par son numéro.
admin-deliveries-unknown-address = Aucun abonné n'a l'adresse { $q }.
admin-deliveries-status-queued = en attente
admin-deliveries-status-sent = envoyé
admin-deliveries-status-failed = en échec
admin-deliveries-status-bounced = rebond
admin-deliveries-status-complained = plainte
admin-deliveries-status-skipped = ignoré
admin-deliveries-kind-confirmation = confirmation
admin-deliveries-kind-welcome = bienvenue
admin-deliveries-kind-reconfirmation = reconfirmation
admin-deliveries-kind-broadcast = campagne
admin-deliveries-kind-sequence = étape de séquence
admin-deliveries-kind-test = e-mail de test
admin-deliveries-kind-record-link = lien vers le registre de consentement
admin-deliveries-kind-erasure-link = lien d'effacement
delivery-meaning-unauthenticated = Le fournisseur refuse le courrier que SPF et DKIM n'authentifient pas, ou qui échoue à DMARC : publiez des enregistrements SPF, DKIM et DMARC pour le domaine d'expédition.
delivery-meaning-spf = Le fournisseur n'a trouvé aucun enregistrement SPF autorisant votre relais pour le domaine d'expédition.
delivery-meaning-ptr = L'adresse du relais n'a pas de nom inverse (PTR) : demandez-le à son exploitant.
delivery-meaning-rate = Le fournisseur limite le débit qu'il accepte de vous : le domaine est mis en attente puis réessayé.
delivery-meaning-outlook-authentication = Outlook.com refuse le courrier en nombre sans SPF, DKIM et un enregistrement DMARC aligné.
delivery-meaning-dmarc = La politique DMARC du domaine d'expédition refuse ce message : signez avec DKIM sur ce domaine.
delivery-meaning-no-mailbox = Cette boîte aux lettres n'existe pas.
admin-subscriber-deliveries = Messages

## The DNS self-check
admin-nav-deliverability = Délivrabilité
admin-deliverability-lead = Ce que Gmail, Outlook.com et Yahoo vérifient avant d'accepter vos envois en nombre, demandé au DNS à l'instant. Publiez ce qu'une ligne demande chez votre hébergeur DNS, puis rechargez.
admin-deliverability-check = Vérification
admin-deliverability-name = Nom
admin-deliverability-found = Trouvé
admin-deliverability-publish = À publier
admin-deliverability-failed = Le DNS n'a pas pu être interrogé : { $error }
dns-level-ok = ok
dns-level-warning = attention
dns-level-error = erreur
admin-dns-check-spf = SPF
admin-dns-check-dkim = DKIM
admin-dns-check-dmarc = DMARC
admin-dns-check-alignment = Alignement
admin-dns-check-mx = MX
admin-dns-check-https = https
dns-spf-missing = Aucun enregistrement SPF : les fournisseurs ne peuvent savoir que votre relais peut envoyer pour ce domaine. Remplacez RELAY par ce qu'indique votre relais.
dns-spf-all = L'enregistrement SPF finit par +all : il laisse n'importe qui envoyer pour le domaine.
dns-spf-ok = Un enregistrement SPF.
dns-spf-several = Plusieurs enregistrements SPF : les destinataires les traitent comme aucun. Fusionnez-les.
dns-dkim-unsigned = Les messages ne sont pas signés : définissez ASSENT_DKIM_DOMAIN, ASSENT_DKIM_SELECTOR et ASSENT_DKIM_KEY.
dns-dkim-key-unreadable = La clé configurée ne peut être lue.
dns-dkim-missing = Aucun enregistrement DKIM pour ce sélecteur : publiez la moitié publique de la clé.
dns-dkim-ok = La clé publiée est la clé configurée.
dns-dkim-other-key = La clé publiée n'est pas la clé configurée : les signatures échouent.
dns-dmarc-missing = Aucun enregistrement DMARC : Gmail et Outlook.com refusent les envois en nombre sans lui.
dns-dmarc-none = DMARC avec p=none ne fait qu'observer : une fois ses rapports propres, passez à quarantine.
dns-dmarc-ok = DMARC met en quarantaine ou rejette ce qui échoue.
dns-alignment-ok = Le domaine DKIM est aligné sur le domaine d'expédition.
dns-alignment-off = Le domaine DKIM n'est ni le domaine d'expédition ni un nom sous lui : DMARC échoue. Signez avec le domaine d'expédition.
dns-alignment-unsigned = Sans signature DKIM, rien n'est aligné sur le domaine d'expédition.
dns-mx-missing = Le domaine d'expédition n'a pas de MX : les réponses ne peuvent l'atteindre, et certains fournisseurs refusent un tel expéditeur.
dns-mx-ok = Le domaine d'expédition reçoit du courrier.
dns-https-ok = ASSENT_BASE_URL est en https.
dns-https-missing = ASSENT_BASE_URL n'est pas en https : Gmail et Yahoo ignorent un désabonnement en un clic qui ne l'est pas.

## Séquences (contrat §18)
admin-sequence-active = active
admin-sequence-paused = en pause
admin-sequences-lead = Une séquence envoie aux nouveaux abonnés d'une liste une série d'e-mails après leur confirmation, chaque étape un délai après la précédente. Chaque étape est vérifiée au moment de partir : personne qui s'est désabonné ou dont l'adresse a rebondi ne la reçoit.
admin-sequences-none = Aucune séquence pour l'instant.
admin-sequence-name = Nom
admin-sequence-steps = Étapes
admin-sequence-enrolled = Personnes inscrites
admin-sequence-new = Créer une séquence
admin-sequence-choose-list = Choisissez une liste
admin-sequence-create = Créer la séquence
admin-sequence-new-note = Une nouvelle séquence est en pause : écrivez ses étapes, puis activez-la.
admin-sequence-of-list = Pour la liste { $list }
admin-sequence-enrolled-count = { $count ->
    [one] Une personne y est entrée.
   *[other] { $count } personnes y sont entrées.
}
admin-sequence-active-note = Active : quiconque confirme son abonnement y entre, et chaque étape part à son heure.
admin-sequence-paused-note = En pause : aucune étape ne part et personne n'y entre. À la reprise, les étapes arrivées à échéance entre-temps partent, au rythme des campagnes.
admin-sequence-pause = Mettre la séquence en pause
admin-sequence-resume = Activer la séquence
admin-sequence-enrol-existing = Inscrire aussi les abonnés déjà confirmés
admin-sequence-enrol-existing-hint = Désactivé par défaut : seules les personnes qui confirment à partir de maintenant y entrent. Coché, tous les abonnés confirmés de la liste commencent aussi à la première étape.
admin-sequence-no-steps = Aucune étape pour l'instant : écrivez la première ci-dessous.
admin-sequence-delay = Délai
admin-sequence-delay-first-hint = Après la confirmation de la personne, sous la forme 90s, 15m, 2h ou 3d.
admin-sequence-delay-hint = Après l'envoi de l'étape précédente à la personne, sous la forme 90s, 15m, 2h ou 3d.
admin-sequence-add-step = Ajouter l'étape
admin-sequence-step-title = Étape { $position }
admin-sequence-edit-step = Modifier l'étape
admin-sequence-edit-note = Une modification vaut pour chaque e-mail pas encore envoyé ; un nouveau délai vaut pour ceux qui attendent encore cette étape.
admin-sequence-error-name = Donnez à la séquence un nom de 200 caractères au plus.
admin-sequence-error-delay = Écrivez le délai sous la forme d'un nombre et d'une unité, 90s, 15m, 2h ou 3d, d'un an au plus.
admin-sequence-error-no-steps = Une séquence a besoin d'une étape avant d'être activée.
admin-sequence-flash-created = Séquence créée. Écrivez sa première étape, puis activez-la.
admin-sequence-flash-added = Étape ajoutée.
admin-sequence-flash-saved = Étape enregistrée : les e-mails pas encore envoyés diront ceci.
admin-sequence-flash-paused = En pause : aucune étape ne part tant que vous n'avez pas réactivé la séquence.
admin-sequence-flash-resumed = Active : les étapes dues partent maintenant, au rythme des campagnes.
