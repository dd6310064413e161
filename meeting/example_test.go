package meeting_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

func ExampleClient_Attendees() {
	// A fake of the meeting API with the sample meetings; in production the
	// base URL is meeting.DefaultBaseURL or meeting.InternationalBaseURL.
	fake, err := meetingfake.Start(meetingfake.Config{
		AppID: "my-app-id", AppKey: "my-app-key",
		Conferences: meetingfake.Sample(time.Now()),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()

	client, err := meeting.NewClient(fake.URL,
		meeting.WithAppAuth("my-app-id", meeting.Secret("my-app-key"), "", ""),
		meeting.WithRateLimit(10),
		meeting.WithUserAgent("attendees-bot/1.0.0"),
	)
	if err != nil {
		log.Fatal(err)
	}
	records, err := client.Attendees(context.Background(), meetingfake.SampleSyncUUID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(records), "records")
	for _, r := range records[:3] {
		fmt.Printf("%s on %s (%s)\n", r.DisplayName, r.DeviceType, r.MediaType)
	}
	// Output:
	// 11 records
	// Alice Zhang on Soft client (Video)
	// Bob Li on Soft client (Video)
	// Carol Wu on Soft client (Video)
}
